using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Listing;

namespace Storefront.Catalog.Jobs;

/// <summary>Hangfire job "catalog:refresh-facets": recomputes every category's facet counts.</summary>
public sealed class RefreshCategoryFacetsJob(IServiceScopeFactory scopes)
{
    public const string Id = "catalog:refresh-facets";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CategoryFacets>().RefreshAllAsync(cancellationToken);
    }
}
