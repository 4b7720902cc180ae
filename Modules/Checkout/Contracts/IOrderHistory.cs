namespace Storefront.Checkout.Contracts;

/// <summary>
/// What customers bought, for analysis (the recommendations): the lines of orders that stand — not
/// cancelled, not fully refunded — streamed from the database, so a history of millions of lines
/// never sits in memory at once.
/// </summary>
public interface IOrderHistory
{
    /// <summary>
    /// Every line of the orders placed at or after <paramref name="since"/> that stand, one order's
    /// lines together, oldest order first.
    /// </summary>
    IAsyncEnumerable<PurchasedLine> LinesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// One line of a standing order. <see cref="Customer"/> is who bought it, the same for all their
/// orders: <c>u:</c> and the account id, or for a guest <c>e:</c> and the e-mail address in lower case.
/// </summary>
public sealed record PurchasedLine(Guid OrderId, string Customer, string Sku, int Quantity, DateTimeOffset PlacedAt)
{
    public static string CustomerOf(string? userId, string email) =>
        userId is { Length: > 0 } ? "u:" + userId : "e:" + email.Trim().ToLowerInvariant();
}

/// <summary>A delivered order of a generated history (the demo store, benchmarks).</summary>
public sealed record OrderSeed(string Number, string Email, DateTimeOffset PlacedAt, string Currency, IReadOnlyList<OrderSeedLine> Lines);

public sealed record OrderSeedLine(string Sku, string Title, decimal UnitPrice, int Quantity);

/// <summary>Loads a generated order history in bulk, bypassing the checkout (no payment, no stock, no events).</summary>
public interface IOrderBulkLoader
{
    /// <summary>True when the store has no orders at all.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Writes the orders as delivered, streamed with binary COPY; returns how many.</summary>
    Task<long> LoadAsync(IEnumerable<OrderSeed> orders, CancellationToken cancellationToken);
}
