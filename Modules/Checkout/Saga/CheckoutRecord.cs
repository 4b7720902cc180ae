namespace Storefront.Checkout.Saga;

/// <summary>Where a checkout is. Terminal states end in <see cref="IsTerminal"/>.</summary>
internal static class CheckoutState
{
    public const string Started = "started";
    public const string Charging = "charging";
    public const string Charged = "charged";
    public const string OrderCreated = "order_created";
    public const string StockCommitted = "stock_committed";
    public const string Completed = "completed";
    public const string Compensating = "compensating";
    /// <summary>Ended without taking money: out of stock, declined, failed, abandoned.</summary>
    public const string Failed = "failed";
    /// <summary>Ended after a charge that had to be given back.</summary>
    public const string Refunded = "refunded";

    public static bool IsTerminal(string state) => state is Completed or Failed or Refunded;
}

/// <summary>The persisted checkout saga, keyed by the checkout id.</summary>
internal sealed class CheckoutRecord
{
    public Guid Id { get; set; }
    /// <summary>The cart checked out; <see cref="Guid.Empty"/> for a reserved order, which has none.</summary>
    public Guid CartId { get; set; }
    /// <summary>
    /// The <see cref="Contracts.IReservedStock.Source"/> holding a reserved order's stock; null for a
    /// cart's checkout. A reserved checkout's lines are stored at its start, as the source priced them.
    /// </summary>
    public string? Source { get; set; }
    /// <summary>The source's reference for a reserved order (a flash sale purchase's id, say).</summary>
    public string? SourceReference { get; set; }

    public bool IsReserved => Source is not null;
    public string? UserId { get; set; }
    public string Email { get; set; } = "";
    public string ShippingAddress { get; set; } = "{}";
    public string ShippingMethod { get; set; } = "";
    /// <summary>
    /// What the order's timeline says the order was paid with (<see cref="CheckoutSaga.PaymentNote"/>):
    /// a card's last four digits, or <see cref="ThroughProvider"/>. A checkout started before holds its words.
    /// </summary>
    public string PaymentHint { get; set; } = "";

    public const string ThroughProvider = "provider";

    /// <summary>The <see cref="PaymentHint"/> of an order that cost nothing, for which no card was given.</summary>
    public const string NoPayment = "none";

    public string State { get; set; } = CheckoutState.Started;
    /// <summary>The priced lines (jsonb), fixed once the price step ran.</summary>
    public string Lines { get; set; } = "[]";
    public decimal Subtotal { get; set; }
    /// <summary>The discount code the shopper gave (normalized), if any; its use is taken when the checkout is priced.</summary>
    public string? DiscountCode { get; set; }
    /// <summary>The shopper's delivery instructions (<see cref="DeliveryNotes"/>), if any.</summary>
    public string? DeliveryNote { get; set; }
    /// <summary>What the code took off the goods, set when the checkout is priced.</summary>
    public decimal Discount { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    /// <summary>Set when the checkout is priced, in the store's currency.</summary>
    public string Currency { get; set; } = "";
    public string? PaymentId { get; set; }
    public string? RefundId { get; set; }
    public Guid? OrderId { get; set; }
    public string? OrderNumber { get; set; }
    /// <summary>The outcome the shopper sees when it ended (a <see cref="Contracts.CheckoutOutcome"/> name).</summary>
    public string? Outcome { get; set; }
    /// <summary>
    /// What the shopper is told about how it ended: a problem as <see cref="BuildingBlocks.Outcomes.ProblemJson"/>.
    /// Rows written before problems were stored hold the English words themselves.
    /// </summary>
    public string? Message { get; set; }
    public int Attempts { get; set; }
    /// <summary>
    /// A Stripe PaymentMethod id (pm_…) when the shopper paid with one: a reference usable only with
    /// the store's secret key, kept so recovery can repeat the exact charge request. Never a card number.
    /// </summary>
    public string? PaymentToken { get; set; }
    /// <summary>The driver (a request or the recovery job) that owns the checkout; every save checks it.</summary>
    public Guid LeaseOwner { get; set; }
    /// <summary>Until when the owner's lease runs; the recovery job takes over after that.</summary>
    public DateTimeOffset LeaseUntil { get; set; }
    /// <summary>The row version (PostgreSQL's xmin): a save made from a stale read fails.</summary>
    public uint Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A line of <see cref="CheckoutRecord.Lines"/>: as priced (a cart's, from the price step on), or as
/// the source priced it (a reserved order's, from the start, with its weight for shipping).
/// </summary>
internal sealed record PricedLine(string Sku, string Title, decimal UnitPrice, int Quantity, decimal? WeightKg = null);

/// <summary>One step's result, for the record and for support.</summary>
internal sealed class CheckoutStepRecord
{
    public long Id { get; set; }
    public Guid CheckoutId { get; set; }
    public string Step { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? Detail { get; set; }
    public DateTimeOffset At { get; set; }
}
