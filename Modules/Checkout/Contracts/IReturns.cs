using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Events;

namespace Storefront.Checkout.Contracts;

/// <summary>Returns: how long after shipping an order's products can be sent back, and where to.</summary>
public sealed class ReturnOptions
{
    /// <summary>Shoppers can ask to return products of a shipped order (false: the order page offers nothing).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Days after the order shipped (or was delivered, when marked so) within which a return can be asked for.</summary>
    public int Days { get; set; } = 30;

    /// <summary>Where an approved return is sent, line by line (the approval e-mail says it); empty: the invoices' seller address.</summary>
    public List<string> Address { get; set; } = [];

    /// <summary>Where an approved return goes, on one line: <see cref="Address"/>, else the invoices' seller.</summary>
    public string SendTo(InvoiceOptions invoices) =>
        string.Join(", ", (Address.Count > 0 ? Address : [invoices.SellerName, .. invoices.SellerAddress]).Where(l => !string.IsNullOrWhiteSpace(l)));
}

/// <summary>The states of a return: asked for, approved (send it back), refunded; or declined.</summary>
public static class ReturnStatus
{
    public const string Requested = "Requested";
    public const string Approved = "Approved";
    /// <summary>The refund is with the payment provider (a crash here is finished by pressing "Refund" again).</summary>
    public const string Refunding = "Refunding";
    public const string Refunded = "Refunded";
    public const string Declined = "Declined";

    /// <summary>The states a merchant still has to act on.</summary>
    public static readonly string[] Open = [Requested, Approved, Refunding];
}

public sealed record ReturnLine(string Sku, string Title, int Quantity, Money UnitPrice);

/// <summary>A line of an order as the return form shows it: how many were bought and how many can still be returned.</summary>
public sealed record ReturnableLine(string Sku, string Title, Money UnitPrice, int Bought, int Returnable);

/// <summary>
/// What of an order can be returned now. <paramref name="Why"/> says why nothing can (not shipped
/// yet, the window has closed, everything is in a return already); <paramref name="Until"/> is the
/// window's last moment.
/// </summary>
public sealed record ReturnableOrder(string OrderNumber, IReadOnlyList<ReturnableLine> Lines, DateTimeOffset? Until, BuildingBlocks.Outcomes.Problem? Why)
{
    public bool CanReturn => Why is null && Lines.Any(l => l.Returnable > 0);
}

/// <param name="Amount">What the products cost as paid (their share of the discount and tax taken in): what the refund gives back.</param>
/// <param name="Note">The merchant's words to the shopper (why a return was declined).</param>
public sealed record ReturnView(Guid Id, string Number, string OrderNumber, string Email, string Status, string Reason,
    IReadOnlyList<ReturnLine> Lines, Money Amount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Note, string? DecidedBy, bool Restocked);

/// <summary>A return was asked for, approved, declined or refunded (the shopper is e-mailed).</summary>
[IntegrationEvent("checkout.return-changed.v1")]
public sealed record ReturnChangedEvent(Guid ReturnId, string Number, string OrderNumber, string Email, string Status, decimal Amount, string Currency, string? Note)
    : IIntegrationEvent
{
    string IIntegrationEvent.Subject => OrderNumber;
}

/// <summary>
/// Returns of shipped orders: the shopper asks (products, quantities, a reason); the merchant
/// approves, declines or refunds, optionally putting the products back in stock. Each step checks
/// the return's state under a row lock, so two presses at once do it once.
/// The caller checks that whoever asks may see the order.
/// </summary>
public interface IReturns
{
    Task<ReturnableOrder?> ReturnableAsync(string orderNumber, CancellationToken cancellationToken);

    /// <param name="quantities">How many of each SKU to return (SKUs not listed: none).</param>
    /// <param name="actor">Who asks ("customer", or a staff account's address).</param>
    Task<OrderChangeResult> RequestAsync(string orderNumber, IReadOnlyDictionary<string, int> quantities, string reason, string actor,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<ReturnView>> ForOrderAsync(string orderNumber, CancellationToken cancellationToken);

    /// <summary>The merchant's list: the open returns (null), or those in one state, newest first, at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<ReturnView>> ListAsync(string? status, int take, CancellationToken cancellationToken);

    /// <summary>How many returns wait for the merchant (asked for or approved).</summary>
    Task<int> OpenCountAsync(CancellationToken cancellationToken);

    Task<OrderChangeResult> ApproveAsync(Guid id, string actor, CancellationToken cancellationToken);

    Task<OrderChangeResult> DeclineAsync(Guid id, string note, string actor, CancellationToken cancellationToken);

    /// <summary>Refunds the return's amount (at most what is left of the payment) and, with <paramref name="restock"/>, puts its products back in stock.</summary>
    Task<OrderChangeResult> RefundAsync(Guid id, bool restock, string actor, CancellationToken cancellationToken);
}
