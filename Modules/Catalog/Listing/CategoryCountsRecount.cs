using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Listing;

/// <summary>
/// Event consumer "catalog.category-counts" (once per cluster): when products change, recounts the
/// categories their changes marked stale (<see cref="CategoryFacets.MarkStaleAsync"/>) and announces
/// the new counts, so every instance drops its copy and its cached listings. A run of changes is
/// recounted together: each stale category once per delivery pass.
/// </summary>
internal sealed class CategoryCountsRecount(CategoryFacets facets, CatalogDbContext db, TimeProvider clock) :
    IIntegrationEventBatchHandler<ProductChangedEvent>
{
    public const string ConsumerName = "catalog.category-counts";

    public async Task HandleAsync(IReadOnlyList<ProductChangedEvent> integrationEvents, CancellationToken cancellationToken)
    {
        var recounted = await facets.RecountStaleAsync(cancellationToken);
        if (recounted.Count == 0) return;
        db.AddIntegrationEvent(new CategoryCountsChangedEvent(recounted), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }
}
