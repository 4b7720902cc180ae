using Storefront.BuildingBlocks.Outcomes;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks;

namespace Storefront.Inventory.Contracts;

/// <summary>Price and on-hand stock of one SKU, kept apart from the product it belongs to.</summary>
public sealed record SkuStock(string Sku, Money Price, int OnHand, int Reserved)
{
    public int Available => OnHand - Reserved;
}

public sealed record SkuSeed(string Sku, decimal Price, string Currency, int OnHand);

/// <summary>
/// Who changes stock and why, for the stock ledger. With <see cref="OncePerReference"/> the change is
/// made at most once per SKU, reason and reference (a restock of a cancelled order, retried or
/// raced, puts its units back once).
/// </summary>
public sealed record StockChangeContext(string Actor, string Reason, string? Reference = null, bool OncePerReference = false)
{
    public static readonly StockChangeContext System = new("system", "Stock count");
}

/// <summary>One line of a SKU's stock ledger.</summary>
public sealed record StockLedgerLine(long Id, string Sku, int Delta, int OnHandAfter, string Reason, string Actor, string? Reference, DateTimeOffset At);

/// <summary><see cref="ChangedMeanwhile"/>: a value the merchant changed had been changed by someone else since they saw it.</summary>
public enum StockChangeOutcome { Changed, Unchanged, UnknownSku, Invalid, ChangedMeanwhile }

/// <summary>The price and on-hand count a merchant's form was opened with.</summary>
public sealed record SeenPriceAndStock(decimal Price, string Currency, int OnHand);

/// <summary>Field names the problem when there is one: Price, Currency or OnHand.</summary>
public sealed record StockChangeResult(StockChangeOutcome Outcome, Problem? Problem = null, string? Field = null)
{
    public bool Succeeded => Outcome is StockChangeOutcome.Changed or StockChangeOutcome.Unchanged;
}

/// <summary>The read and write side of prices and on-hand stock.</summary>
public interface IPricesAndStock
{
    Task<SkuStock?> GetAsync(string sku, CancellationToken cancellationToken);

    /// <summary>Prices and stock of many SKUs in one round trip; unknown SKUs are left out.</summary>
    Task<IReadOnlyDictionary<string, SkuStock>> GetManyAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>Creates the SKU with a price and stock, or does nothing when it already exists.</summary>
    Task EnsureSkuAsync(SkuSeed seed, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a new product's SKU its price and stock: creates the SKU, or sets an existing one to
    /// these values (a creation that failed after this step and is tried again). Only the catalog's
    /// product creation calls it, and only for a SKU no product has yet. Nothing changes on bad input.
    /// </summary>
    Task<StockChangeResult> StartSkuAsync(SkuSeed seed, StockChangeContext context, CancellationToken cancellationToken);

    Task<StockChangeResult> SetPriceAsync(string sku, decimal amount, string currency, CancellationToken cancellationToken);

    /// <summary>Sets on-hand stock to a counted value; the difference goes into the ledger.</summary>
    Task<StockChangeResult> SetOnHandAsync(string sku, int onHand, StockChangeContext context, CancellationToken cancellationToken);

    /// <summary>Adds (or, when negative, removes) units of on-hand stock, recorded in the ledger.</summary>
    Task<StockChangeResult> AdjustOnHandAsync(string sku, int delta, StockChangeContext context, CancellationToken cancellationToken);

    /// <summary>Changes price and on-hand stock together: both are checked first, and a problem changes neither.</summary>
    Task<StockChangeResult> SetPriceAndStockAsync(string sku, decimal amount, string currency, int onHand, StockChangeContext context, CancellationToken cancellationToken) =>
        SetPriceAndStockAsync(sku, amount, currency, onHand, seen: null, context, cancellationToken);

    /// <summary>
    /// A merchant's edit of the values <paramref name="seen"/> when their form was opened: only what
    /// they changed is saved, so a price or count someone else changed meanwhile is not put back.
    /// When a value they changed was also changed by someone else (another merchant, orders taking
    /// stock), nothing is saved: <see cref="StockChangeOutcome.ChangedMeanwhile"/>, naming the
    /// current price and count. Checked under the SKU's row lock.
    /// </summary>
    Task<StockChangeResult> SetPriceAndStockAsync(string sku, decimal amount, string currency, int onHand, SeenPriceAndStock? seen, StockChangeContext context, CancellationToken cancellationToken);

    /// <summary>The newest ledger lines of a SKU, newest first.</summary>
    Task<IReadOnlyList<StockLedgerLine>> LedgerAsync(string sku, int take, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the SKUs whose available stock is at or below <paramref name="threshold"/>
    /// (lowest first, then by SKU), with how many have none available and how many are low. A page
    /// past the last is the last.
    /// </summary>
    Task<LowStockPage> LowStockPageAsync(int threshold, int page, int pageSize, CancellationToken cancellationToken);
}

/// <summary>A page of low stock; <see cref="OutOfStock"/> SKUs have nothing available, <see cref="Low"/> have 1 to the threshold.</summary>
public sealed record LowStockPage(IReadOnlyList<SkuStock> Items, int Page, int PageSize, long OutOfStock, long Low)
{
    public long Total => OutOfStock + Low;

    public int Pages => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>Loads many SKUs at once for demo and benchmark catalogs (PostgreSQL COPY).</summary>
public interface IStockBulkLoader
{
    Task<long> LoadAsync(IEnumerable<SkuSeed> rows, CancellationToken cancellationToken);
}

[IntegrationEvent("inventory.price-changed.v1")]
public sealed record PriceChangedEvent(string Sku, decimal Amount, string Currency) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => Sku;
}

[IntegrationEvent("inventory.stock-changed.v1")]
public sealed record StockChangedEvent(string Sku, int OnHand, int Available) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => Sku;
}
