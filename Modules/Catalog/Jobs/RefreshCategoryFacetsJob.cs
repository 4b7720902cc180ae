using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Catalog.Listing;

namespace Storefront.Catalog.Jobs;

/// <summary>
/// Hangfire job "catalog:refresh-facets": recomputes every category's counts (changes recount their
/// own categories as they happen; this is the safety net) and tells every instance.
/// </summary>
public sealed class RefreshCategoryFacetsJob(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string Id = "catalog:refresh-facets";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var recounted = await scope.ServiceProvider.GetRequiredService<CategoryFacets>().RefreshAllAsync(cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        db.AddIntegrationEvent(new CategoryCountsChangedEvent(recounted), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }
}
