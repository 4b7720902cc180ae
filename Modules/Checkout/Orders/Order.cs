namespace Storefront.Checkout.Orders;

internal static class OrderStatus
{
    public const string Placed = "Placed";
    public const string Paid = "Paid";
    public const string Packed = "Packed";
    public const string Shipped = "Shipped";
    public const string Delivered = "Delivered";
    public const string Cancelled = "Cancelled";
    public const string Refunded = "Refunded";
    public const string PartiallyRefunded = "Partially refunded";
}

internal sealed class Order
{
    public Guid Id { get; set; }
    public string Number { get; set; } = "";
    public Guid CheckoutId { get; set; }
    public string? UserId { get; set; }
    public string Email { get; set; } = "";
    public string Status { get; set; } = OrderStatus.Placed;
    public string ShippingAddress { get; set; } = "{}";
    public string ShippingMethod { get; set; } = "";
    public decimal Subtotal { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public decimal Refunded { get; set; }
    public string Currency { get; set; } = "USD";
    public string? PaymentId { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<OrderStatusChange> History { get; set; } = [];
}

/// <summary>A line with the title and price as they were when the order was placed.</summary>
internal sealed class OrderLine
{
    public Guid OrderId { get; set; }
    public string Sku { get; set; } = "";
    public string Title { get; set; } = "";
    public decimal UnitPrice { get; set; }
    public int Quantity { get; set; }
}

internal sealed class OrderStatusChange
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string Status { get; set; } = "";
    public string? Note { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A request to the warehouse to pick and pack an order (the module's own work queue).</summary>
internal sealed class FulfilmentRequest
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public string Status { get; set; } = "Pending";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}
