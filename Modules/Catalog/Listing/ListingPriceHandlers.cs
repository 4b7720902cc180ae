using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog.Listing;

/// <summary>
/// Keeps the catalog's price and availability copy in step with Inventory. Both handlers write
/// absolute values, so a redelivered event changes nothing (the time of a price change is kept only
/// when the price did change).
/// </summary>
internal sealed class ListingPriceHandlers(CatalogDbContext db, IOptions<StoreCurrencyOptions> store) :
    IIntegrationEventHandler<PriceChangedEvent>, IIntegrationEventBatchHandler<StockChangedEvent>
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.listing_prices (sku, price, currency, available, price_changed_at) VALUES ({e.Sku}, {e.Amount}, {e.Currency}, 0, now())
            ON CONFLICT (sku) DO UPDATE SET price = excluded.price, currency = excluded.currency,
                price_changed_at = CASE WHEN (listing_prices.price, listing_prices.currency) IS DISTINCT FROM (excluded.price, excluded.currency)
                                        THEN excluded.price_changed_at ELSE listing_prices.price_changed_at END
            """, cancellationToken);

    /// <summary>
    /// A run of stock changes is one multi-row upsert: only the newest availability of each SKU
    /// counts, and SKUs are written in a fixed order so that two instances cannot deadlock.
    /// </summary>
    public Task HandleAsync(IReadOnlyList<StockChangedEvent> events, CancellationToken cancellationToken)
    {
        var newest = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events) newest[e.Sku] = e.Available;
        var skus = newest.Keys.ToArray();
        var available = newest.Values.ToArray();
        // A SKU seen first through its stock waits for its price event; until then it is priced 0 in the store's currency.
        var currency = store.Value.Currency;
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.listing_prices (sku, price, currency, available)
            SELECT u.sku, 0, {currency}, u.available FROM unnest({skus}, {available}) AS u(sku, available)
            ON CONFLICT (sku) DO UPDATE SET available = excluded.available
            """, cancellationToken);
    }
}
