using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog.Listing;

/// <summary>
/// Keeps the catalog's price and availability copy in step with Inventory. Both handlers write
/// absolute values, so a redelivered event changes nothing.
/// </summary>
internal sealed class ListingPriceHandlers(CatalogDbContext db) :
    IIntegrationEventHandler<PriceChangedEvent>, IIntegrationEventHandler<StockChangedEvent>
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.listing_prices (sku, price, currency, available) VALUES ({e.Sku}, {e.Amount}, {e.Currency}, 0)
            ON CONFLICT (sku) DO UPDATE SET price = excluded.price, currency = excluded.currency
            """, cancellationToken);

    public Task HandleAsync(StockChangedEvent e, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.listing_prices (sku, price, currency, available) VALUES ({e.Sku}, 0, 'USD', {e.Available})
            ON CONFLICT (sku) DO UPDATE SET available = excluded.available
            """, cancellationToken);
}
