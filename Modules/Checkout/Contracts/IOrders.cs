using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

public sealed record OrderLineView(string Sku, string Title, Money UnitPrice, int Quantity)
{
    public Money LineTotal => new(UnitPrice.Amount * Quantity, UnitPrice.Currency);
}

/// <summary>A timeline entry. <see cref="Actor"/> (who did it) is filled in for merchants only.</summary>
public sealed record OrderStatusView(string Status, DateTimeOffset At, Problem? Note, string? Actor = null);

/// <summary>
/// A timeline note kept as text (the timeline's note column, <see cref="OrderStatusChangedEvent.Note"/>):
/// the note's problem as JSON. A note written before notes were problems holds its words, which
/// read back as <see cref="CheckoutProblems.AsWritten"/>.
/// </summary>
public static class OrderNotes
{
    public static string Write(Problem note) => ProblemJson.Write(note);

    public static Problem? Read(string? note) =>
        note is null ? null : ProblemJson.Read(note) ?? Problem.Of(CheckoutProblems.AsWritten, ("text", note));
}

/// <summary>What a merchant may do with an order now, from the order's state machine.</summary>
public sealed record OrderActions(string? NextStatus, bool CanCancel, Money Refundable, bool CancellationUnfinished);

/// <summary>
/// An order. <see cref="Status"/> is where it is in fulfilment (Paid, Packed, Shipped, Delivered or
/// Cancelled); <see cref="RefundState"/> (None, Partial, Full) is the money side, kept apart.
/// </summary>
public sealed record OrderView(
    Guid Id, string Number, string? UserId, string Email, string Status, Address ShippingAddress, string ShippingMethod,
    IReadOnlyList<OrderLineView> Lines, Money Subtotal, Money Shipping, Money Tax, Money Total, Money Refunded,
    string? PaymentId, string? Carrier, string? TrackingNumber, DateTimeOffset PlacedAt, IReadOnlyList<OrderStatusView> Timeline,
    string RefundState, OrderActions Actions, int LinkVersion = 0)
{
    /// <summary>What the order's discount code took off the goods (<see cref="Total"/> is after it); null without a code.</summary>
    public Money? Discount { get; init; }

    /// <summary>The discount code the order was placed with.</summary>
    public string? DiscountCode { get; init; }

    /// <summary>The shopper's delivery instructions, if they gave any.</summary>
    public string? DeliveryNote { get; init; }
}

public sealed record OrderSummary(string Number, string Status, Money Total, int Items, DateTimeOffset PlacedAt);

/// <summary>What shoppers (and the storefront) read about orders.</summary>
public interface IOrders
{
    Task<OrderView?> GetAsync(string number, CancellationToken cancellationToken);

    /// <summary>A guest's order, found by its number and the e-mail it was placed with.</summary>
    Task<OrderView?> TrackAsync(string number, string email, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderSummary>> ForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// The shopper cancels their order before it is packed: cancelled, refunded in full and restocked
    /// as a merchant's cancellation is, the timeline naming <paramref name="actor"/>. Refused once
    /// the order is packed, also when the merchant packs it at the same moment (one of the two wins).
    /// The caller checks that whoever asks may see the order.
    /// </summary>
    Task<OrderChangeResult> CancelByShopperAsync(string number, string actor, CancellationToken cancellationToken);

    /// <summary>The delivery address of the account's newest order, to offer again at checkout; null without orders.</summary>
    Task<Address?> LastAddressAsync(string userId, CancellationToken cancellationToken);

    /// <summary>True when an order of the account that was not cancelled has the SKU (a "verified purchase").</summary>
    Task<bool> HasBoughtAsync(string userId, string sku, CancellationToken cancellationToken);

    /// <summary>
    /// Makes every link to the order given out so far stop working (a link shared by mistake); the
    /// shopper can get a new one by tracking the order with its number and e-mail address.
    /// </summary>
    Task<bool> RevokeLinksAsync(string number, CancellationToken cancellationToken);

    /// <summary>
    /// Attaches a guest order to an account whose confirmed e-mail address is the order's (compared
    /// without regard to case); false when the order belongs to an account already or was placed with
    /// another address. Pass an account's address only once its owner has confirmed it.
    /// </summary>
    Task<bool> ClaimAsync(string number, string userId, string confirmedEmail, CancellationToken cancellationToken);

    /// <summary>Attaches every guest order placed with <paramref name="confirmedEmail"/> to the account; how many.</summary>
    Task<int> ClaimAllAsync(string userId, string confirmedEmail, CancellationToken cancellationToken);

    /// <summary>
    /// For an account being deleted: its orders stay with the store (its books need them) as guest
    /// orders of the address they were placed with, no longer in any account; how many.
    /// </summary>
    Task<int> DetachAllAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>
/// Orders by fulfilment <paramref name="Status"/> and refund state (None, Partial, Full), dates, customer, total and
/// the <paramref name="DiscountCode"/> they were placed with;
/// <paramref name="Unfinished"/>: only cancelled orders whose refund or restock did not finish.
/// </summary>
public sealed record AdminOrderQuery(string? Status = null, DateOnly? From = null, DateOnly? To = null, string? Customer = null,
    decimal? MinTotal = null, decimal? MaxTotal = null, int Page = 1, int PageSize = 25, string? RefundState = null, bool Unfinished = false,
    string? DiscountCode = null);

public sealed record AdminOrderRow(string Number, string Email, string Status, Money Total, int Items, DateTimeOffset PlacedAt, string RefundState = "None");

public sealed record AdminOrderPage(IReadOnlyList<AdminOrderRow> Rows, int Page, int PageSize, long Total);

/// <summary>An order as the merchant's export writes it: one line of the books.</summary>
public sealed record AdminOrderExportRow(string Number, DateTimeOffset PlacedAt, string Email, string Status, string RefundState, int Items,
    decimal Subtotal, decimal Shipping, decimal Tax, decimal Total, decimal Refunded, string Currency, string ShippingMethod,
    string? Carrier, string? TrackingNumber)
{
    /// <summary>The discount code the order was placed with, if any, and what it took off the goods.</summary>
    public string? DiscountCode { get; init; }

    public decimal Discount { get; init; }

    /// <summary>The order's invoice number; null while it has none yet (see <see cref="IInvoices"/>).</summary>
    public string? InvoiceNumber { get; init; }
}

/// <summary>
/// The orders placed in a period, in one currency: <see cref="Orders"/> that were not cancelled, what
/// they came to (<see cref="Gross"/>: goods, shipping and tax) and what has been refunded of them;
/// the <see cref="Cancelled"/> ones (refunded in full) only counted.
/// </summary>
public static class SalesReport
{
    /// <summary>The longest period a report covers: a year and a day, so any year fits.</summary>
    public const int MaxDays = 366;
}

/// <summary>One day's (UTC) sales in one currency.</summary>
public sealed record DailySales(DateOnly Day, SalesFigures Figures);

/// <summary>
/// A product's sales over a period in one currency: units, and what its order lines came to (refunds
/// are made per order, so they are not taken off here). The title is one it was sold under (the
/// catalog's is the one to show while the product exists).
/// </summary>
public sealed record ProductSales(string Sku, string Title, string Currency, int Units, decimal Sales)
{
    public Money SalesMoney => new(Sales, Currency);
}

public sealed record SalesFigures(string Currency, int Orders, decimal Gross, decimal Refunded, int Cancelled)
{
    public Money GrossMoney => new(Gross, Currency);

    public Money RefundedMoney => new(Refunded, Currency);

    public Money Net => new(Gross - Refunded, Currency);

    public Money? AverageOrder => Orders == 0 ? null : new(Math.Round(Gross / Orders, 2, MidpointRounding.AwayFromZero), Currency);
}

/// <summary>
/// What became of a merchant's change: <see cref="Outcome"/> says what was done or why not (a
/// <see cref="CheckoutProblems"/> code for the host to word), <see cref="Field"/> the input at fault.
/// </summary>
public sealed record OrderChangeResult(bool Succeeded, Problem Outcome, string? Field = null)
{
    public static OrderChangeResult Done(string code, params ReadOnlySpan<(string Name, object? Value)> args) => new(true, Problem.Of(code, args));

    public static OrderChangeResult Refused(string code, params ReadOnlySpan<(string Name, object? Value)> args) => new(false, Problem.Of(code, args));
}

/// <summary>What merchants do with orders.</summary>
public interface IOrderAdmin
{
    Task<AdminOrderPage> ListAsync(AdminOrderQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every order the query matches (its page aside), newest first, read from the database as the
    /// caller writes them out: an export of any size never holds them all in memory.
    /// </summary>
    IAsyncEnumerable<AdminOrderExportRow> ExportAsync(AdminOrderQuery query);

    /// <summary>What the orders placed since <paramref name="since"/> came to, one entry per currency, the most orders first.</summary>
    Task<IReadOnlyList<SalesFigures>> SalesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// What the orders placed on each day (UTC) from <paramref name="from"/> to <paramref name="to"/>
    /// (both included, at most <see cref="SalesReport.MaxDays"/> days) came to, one entry per day and
    /// currency that had orders, oldest first. This and <see cref="TopProductsAsync"/> read on
    /// connections of their own, so one caller may run them side by side.
    /// </summary>
    Task<IReadOnlyList<DailySales>> SalesByDayAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>
    /// The products that sold for the most over the same kind of period: units and what their lines
    /// came to, in cancelled orders not counted, the best first.
    /// </summary>
    Task<IReadOnlyList<ProductSales>> TopProductsAsync(DateOnly from, DateOnly to, int count, CancellationToken cancellationToken);

    /// <summary>An order with who did what on its timeline, and what can be done with it now.</summary>
    Task<OrderView?> GetAsync(string number, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an order forward: Paid → Packed → Shipped (needs carrier and tracking number) → Delivered.
    /// Every change of an order is saved only if nobody changed it since it was read, and before any
    /// side effect; the loser of two at once is refused.
    /// </summary>
    Task<OrderChangeResult> MoveAsync(string number, string status, string? carrier, string? trackingNumber, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels an order that has not shipped: refunds what is left to refund and puts its stock back,
    /// each once however often or however many at once ask. Asked again for a cancelled order whose
    /// refund or restock failed, it finishes them.
    /// </summary>
    Task<OrderChangeResult> CancelAsync(string number, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Refunds part or all of what is left of an order's payment through the payment gateway. The
    /// <paramref name="requestId"/> (made when the refund form is shown) makes a repeated request refund once.
    /// A refund never changes where the order is in fulfilment.
    /// </summary>
    Task<OrderChangeResult> RefundAsync(string number, Guid requestId, decimal amount, string actor, CancellationToken cancellationToken);
}

public sealed record FulfilmentRow(Guid Id, string OrderNumber, string Status, int Items, string ShipTo, DateTimeOffset CreatedAt);

/// <summary>What the packer needs of an order: where it goes, how, and what goes in the box (no prices: it may be a gift).</summary>
public sealed record PackingSlip(string OrderNumber, DateTimeOffset PlacedAt, Address ShipTo, string ShippingMethod, IReadOnlyList<PackingSlipLine> Lines,
    string? DeliveryNote = null)
{
    public int Units => Lines.Sum(l => l.Quantity);

    public static PackingSlip Of(OrderView order) => new(order.Number, order.PlacedAt, order.ShippingAddress, order.ShippingMethod,
        order.Lines.Select(l => new PackingSlipLine(l.Sku, l.Title, l.Quantity)).ToList(), order.DeliveryNote);
}

public sealed record PackingSlipLine(string Sku, string Title, int Quantity);

/// <summary>The warehouse's queue: one request per placed order, oldest first.</summary>
public interface IFulfilmentQueue
{
    Task<IReadOnlyList<FulfilmentRow>> PendingAsync(int take, CancellationToken cancellationToken);

    /// <summary>The packing slips of the first <paramref name="take"/> orders of the queue, in its order.</summary>
    Task<IReadOnlyList<PackingSlip>> SlipsAsync(int take, CancellationToken cancellationToken);

    /// <summary>The order is picked and packed: the request is done and the order moves to Packed.</summary>
    Task<OrderChangeResult> PackedAsync(Guid requestId, string actor, CancellationToken cancellationToken);
}

/// <summary>
/// Published with every status change after an order is placed. <see cref="Note"/> is the timeline's
/// note as text (<see cref="OrderNotes"/>): an event from before notes were problems holds its words.
/// </summary>
[IntegrationEvent("checkout.order-status-changed.v1")]
public sealed record OrderStatusChangedEvent(Guid OrderId, string OrderNumber, string Email, string Status, string? Note, DateTimeOffset At) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => OrderId.ToString();
}
