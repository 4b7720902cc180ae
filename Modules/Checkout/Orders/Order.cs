using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Orders;

/// <summary>
/// Where an order is in fulfilment. The only moves are Paid → Packed → Shipped → Delivered, and
/// Paid or Packed → Cancelled; what has shipped comes back through a return, never a cancellation.
/// Money is tracked apart, in <see cref="RefundState"/>: a refund never moves an order in fulfilment.
/// </summary>
internal static class OrderStatus
{
    /// <summary>Only ever a timeline entry: the order exists.</summary>
    public const string Placed = "Placed";
    public const string Paid = "Paid";
    public const string Packed = "Packed";
    public const string Shipped = "Shipped";
    public const string Delivered = "Delivered";
    public const string Cancelled = "Cancelled";
    /// <summary>Timeline entries of money given back; never an order's status.</summary>
    public const string Refunded = "Refunded";
    public const string PartiallyRefunded = "Partially refunded";

    public static readonly string[] All = [Paid, Packed, Shipped, Delivered, Cancelled];

    private static readonly Dictionary<string, string[]> Moves = new()
    {
        [Paid] = [Packed, Cancelled],
        [Packed] = [Shipped, Cancelled],
        [Shipped] = [Delivered],
        [Delivered] = [],
        [Cancelled] = [],
    };

    public static bool CanMove(string from, string to) => Moves.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>The next step forward in fulfilment (not cancelling), if there is one.</summary>
    public static string? NextOf(string status) => Moves.TryGetValue(status, out var next) ? next.FirstOrDefault(s => s != Cancelled) : null;
}

/// <summary>
/// Order numbers: "SF-" and twelve characters from 32 that cannot be misread (no 0/O, 1/I), in
/// groups of four — 60 random bits, so nobody finds an order by counting or guessing.
/// </summary>
internal static class OrderNumbers
{
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static string New()
    {
        var chars = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(Alphabet, 12);
        return $"SF-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }
}

/// <summary>How much of an order's payment has been given back.</summary>
internal static class RefundState
{
    public const string None = "None";
    public const string Partial = "Partial";
    public const string Full = "Full";

    public static string Of(decimal refunded, decimal total) => refunded <= 0 ? None : refunded >= total ? Full : Partial;
}

internal sealed class Order
{
    public Guid Id { get; set; }
    public string Number { get; set; } = "";
    public Guid CheckoutId { get; set; }
    public string? UserId { get; set; }
    public string Email { get; set; } = "";
    /// <summary>The fulfilment status (<see cref="OrderStatus"/>).</summary>
    public string Status { get; set; } = OrderStatus.Paid;
    /// <summary>The money side (<see cref="Orders.RefundState"/>), kept apart from fulfilment.</summary>
    public string RefundState { get; set; } = Orders.RefundState.None;
    public string ShippingAddress { get; set; } = "{}";
    public string ShippingMethod { get; set; } = "";
    public decimal Subtotal { get; set; }
    /// <summary>The discount code the order was placed with, if any.</summary>
    public string? DiscountCode { get; set; }
    /// <summary>What the code took off the goods (<see cref="Total"/> is after it).</summary>
    public decimal Discount { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public decimal Refunded { get; set; }
    /// <summary>The shopper's delivery instructions, if any (on the packing slip).</summary>
    public string? DeliveryNote { get; set; }
    public string Currency { get; set; } = "";
    public string? PaymentId { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    /// <summary>Grows when the shopper or the merchant revokes the order's links: links made before stop working.</summary>
    public int LinkVersion { get; set; }
    /// <summary>Cancelled, but its stock is not yet back (a cancellation whose side effects did not all finish).</summary>
    public bool RestockPending { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The row version (PostgreSQL's xmin): every change is saved only if nobody changed the order since it was read.</summary>
    public uint Version { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<OrderStatusChange> History { get; set; } = [];

    /// <summary>Moves the order in fulfilment; the reason it cannot, or null when it did.</summary>
    public Problem? MoveTo(string status, DateTimeOffset now, string actor, Problem? note = null)
    {
        if (!OrderStatus.CanMove(Status, status))
        {
            return Status == OrderStatus.Shipped && status == OrderStatus.Cancelled
                ? Problem.Of(CheckoutProblems.ShippedCannotBeCancelled)
                : OrderStatus.NextOf(Status) is { } next
                    ? Problem.Of(OrderStatus.CanMove(Status, OrderStatus.Cancelled) ? CheckoutProblems.CanOnlyBecomeOrBeCancelled : CheckoutProblems.CanOnlyBecome,
                        ("status", Status), ("next", next))
                    : Problem.Of(CheckoutProblems.CannotChange, ("status", Status));
        }
        (Status, UpdatedAt) = (status, now);
        if (status == OrderStatus.Cancelled) RestockPending = true;
        Record(status, now, actor, note);
        return null;
    }

    /// <summary>What is left of the payment to give back, less refunds that are under way.</summary>
    public decimal Refundable(decimal pending) => PaymentId is null ? 0 : Math.Max(0, Total - Refunded - pending);

    /// <summary>Money given back through the payment provider.</summary>
    public void Refund(decimal amount, DateTimeOffset now, string actor)
    {
        Refunded += amount;
        (RefundState, UpdatedAt) = (Orders.RefundState.Of(Refunded, Total), now);
        Record(RefundState == Orders.RefundState.Full ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded, now, actor,
            Problem.Of(CheckoutProblems.NoteRefunded, ("amount", new BuildingBlocks.Money(amount, Currency))));
    }

    public void Record(string status, DateTimeOffset now, string? actor, Problem? note) =>
        History.Add(new OrderStatusChange { OrderId = Id, Status = status, Note = note is null ? null : OrderNotes.Write(note), Actor = actor, At = now });
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

/// <summary>
/// One entry of an order's timeline. <see cref="Note"/> is what the customer sees (<see cref="OrderNotes"/>:
/// a problem as JSON, or the words of a row written before); <see cref="Actor"/> is for the merchant's audit only.
/// </summary>
internal sealed class OrderStatusChange
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string Status { get; set; } = "";
    public string? Note { get; set; }
    public string? Actor { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// One refund a merchant asked for, keyed by the id of that request (the refund form carries it), so
/// a double click or a retry refunds once. Written as pending before the provider is called.
/// </summary>
internal sealed class OrderRefund
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public decimal Amount { get; set; }
    public string Status { get; set; } = Pending;
    public string? RefundId { get; set; }
    public string? Message { get; set; }
    public string Actor { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The row version: the provider's answer is booked once, by whoever saves it first.</summary>
    public uint Version { get; set; }

    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
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
