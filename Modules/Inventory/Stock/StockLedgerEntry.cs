namespace Storefront.Inventory.Stock;

/// <summary>One change of a SKU's on-hand stock: who, when, by how much, why.</summary>
internal sealed class StockLedgerEntry
{
    public long Id { get; set; }
    public string Sku { get; set; } = "";
    public int Delta { get; set; }
    public int OnHandAfter { get; set; }
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? Reference { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
