using Storefront.BuildingBlocks;

namespace Storefront.Checkout.Contracts;

public sealed record OrderLineView(string Sku, string Title, Money UnitPrice, int Quantity)
{
    public Money LineTotal => new(UnitPrice.Amount * Quantity, UnitPrice.Currency);
}

public sealed record OrderStatusView(string Status, DateTimeOffset At, string? Note);

public sealed record OrderView(
    Guid Id, string Number, string? UserId, string Email, string Status, Address ShippingAddress, string ShippingMethod,
    IReadOnlyList<OrderLineView> Lines, Money Subtotal, Money Shipping, Money Tax, Money Total, Money Refunded,
    string? PaymentId, string? Carrier, string? TrackingNumber, DateTimeOffset PlacedAt, IReadOnlyList<OrderStatusView> Timeline);

public sealed record OrderSummary(string Number, string Status, Money Total, int Items, DateTimeOffset PlacedAt);

/// <summary>What shoppers (and the storefront) read about orders.</summary>
public interface IOrders
{
    Task<OrderView?> GetAsync(string number, CancellationToken cancellationToken);

    /// <summary>A guest's order, found by its number and the e-mail it was placed with.</summary>
    Task<OrderView?> TrackAsync(string number, string email, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderSummary>> ForUserAsync(string userId, CancellationToken cancellationToken);
}
