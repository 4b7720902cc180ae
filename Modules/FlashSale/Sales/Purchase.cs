namespace Storefront.FlashSale.Sales;

/// <summary>Where a purchase's order is (<see cref="Contracts.PurchaseState"/>, stored as text).</summary>
internal static class PurchaseStates
{
    public const string Processing = "processing";
    public const string Ordered = "ordered";
    public const string Declined = "declined";
    public const string Failed = "failed";
}

/// <summary>
/// One claimed sale unit on its way to an order. Its id is the claim's id in Redis, the checkout's
/// idempotency key and the reference the order commits against the sale's quota with.
/// </summary>
internal sealed class Purchase
{
    public Guid Id { get; set; }
    public Guid SaleId { get; set; }
    public string Customer { get; set; } = "";
    public string? UserId { get; set; }
    public string Email { get; set; } = "";
    /// <summary>The shipping address as JSON.</summary>
    public string ShippingAddress { get; set; } = "{}";
    public string ShippingMethod { get; set; } = "";
    /// <summary>
    /// The payment method, encrypted with a time-limited data-protection key, until the order job
    /// has charged it; then cleared. A card number is never kept in the clear.
    /// </summary>
    public string? Payment { get; set; }
    public string State { get; set; } = PurchaseStates.Processing;
    /// <summary>The order took its unit from the sale's quota in PostgreSQL.</summary>
    public bool Committed { get; set; }
    /// <summary>Redis has been told how the purchase ended (the unit sold, or given back).</summary>
    public bool Settled { get; set; }
    public string? OrderNumber { get; set; }
    /// <summary>Why it did not become an order, as problem JSON.</summary>
    public string? Problem { get; set; }
    public DateTimeOffset? WindowEndsAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>An order maker is working on it until then (<see cref="Orders.SaleOrdersJob"/>); others leave it alone.</summary>
    public DateTimeOffset? OrderingUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A secret the module keeps for every instance (the pass key).</summary>
internal sealed class ModuleSecret
{
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
}
