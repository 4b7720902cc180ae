using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;

namespace Storefront.Recommendations.Building;

/// <summary>
/// Event consumer "recommendations.catalog": a product created, moved to another category, published
/// or withdrawn is placed again at once, and its list made again, so a new product shows its
/// category's best-sellers the same day (cold start), not after the nightly rebuild.
/// </summary>
internal sealed class CatalogFeed(RecommendationsDbContext db, ICatalogSearchFeed catalog, ListCache cache, IOptions<RecommendationsOptions> options) :
    IIntegrationEventHandler<ProductChangedEvent>
{
    public const string ConsumerName = "recommendations.catalog";

    public async Task HandleAsync(ProductChangedEvent change, CancellationToken ct)
    {
        var current = (await catalog.CurrentAsync([change.ProductId], [], ct)).SingleOrDefault();
        if (current is { Published: true })
        {
            var ids = current.CategoryIds.ToArray();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO recommendations.placements (sku, category_ids) VALUES ({current.Sku}, {ids})
                ON CONFLICT (sku) DO UPDATE SET category_ids = EXCLUDED.category_ids
                """, ct);
        }
        else
        {
            await db.Placements.Where(p => p.Sku == change.Sku).ExecuteDeleteAsync(ct);
        }
        await cache.PutAsync(change.Sku, await ListComposer.FromDatabaseAsync(db, change.Sku, options.Value, ct));
    }
}
