namespace Storefront.Inventory.Stock;

internal sealed class StockItem
{
    public string Sku { get; set; } = "";
    public decimal Price { get; set; }
    public string Currency { get; set; } = "";
    public int OnHand { get; set; }
    public int Reserved { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
