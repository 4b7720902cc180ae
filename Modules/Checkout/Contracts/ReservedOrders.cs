using Storefront.BuildingBlocks;

namespace Storefront.Checkout.Contracts;

/// <summary>Lines whose stock another module already holds (a flash sale's unit), priced by that module.</summary>
public sealed record ReservedLine(string Sku, string Title, Money UnitPrice, int Quantity, decimal? WeightKg = null);

/// <summary>
/// An order for units another module already holds (<see cref="ICheckout.PlaceReservedOrderAsync"/>):
/// the same saga as a cart's (charge, order, <see cref="OrderPlacedEvent"/>, recovery, refund), with the
/// stock committed through the <see cref="IReservedStock"/> named by <see cref="Source"/>.
/// </summary>
public sealed record ReservedOrderRequest(
    // The idempotency key of the checkout and of the charge.
    Guid CheckoutId,
    // Which IReservedStock holds the stock, e.g. "flashsale".
    string Source,
    // That source's reference for this order (e.g. a purchase id), at most 100 characters.
    string Reference,
    string? UserId,
    string Email,
    Address ShippingAddress,
    string ShippingMethod,
    string PaymentMethod,
    IReadOnlyList<ReservedLine> Lines,
    decimal? ExpectedTotal = null);

/// <summary>
/// Implemented by the module that holds the stock of reserved orders; registered in DI (several may
/// be, told apart by <see cref="Source"/>). Checkout calls it; it never depends on its implementers.
/// </summary>
public interface IReservedStock
{
    string Source { get; }

    /// <summary>
    /// Commits the reserved units to the order. Called once per step but must be idempotent per
    /// reference (a second call after a crash returns the first answer). false = the units are not
    /// there any more (the order is then compensated: refunded, never placed).
    /// </summary>
    Task<bool> CommitAsync(string reference, string orderNumber, CancellationToken cancellationToken);

    /// <summary>
    /// The order failed after <see cref="CommitAsync"/> succeeded (compensation): give the committed
    /// units back to the source. Idempotent per reference.
    /// </summary>
    Task ReturnAsync(string reference, CancellationToken cancellationToken);
}
