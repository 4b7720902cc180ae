using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// Drops this instance's cached product page when the product or its reviews change, its
/// category tree when a category changes, and its copy of the category counts when they were
/// counted again, whichever instance made the change (delivered once per instance).
/// </summary>
internal sealed class ProductCacheEvictions(CatalogDbContext db, IMemoryCache cache, Categories.CategoryTree tree) :
    IIntegrationEventHandler<ProductChangedEvent>, IIntegrationEventHandler<ReviewsChangedEvent>, IIntegrationEventHandler<CategoriesChangedEvent>,
    IIntegrationEventHandler<CategoryCountsChangedEvent>
{
    public Task HandleAsync(CategoryCountsChangedEvent e, CancellationToken ct)
    {
        Listing.CategoryFacets.Forget(cache);
        return Task.CompletedTask;
    }

    public Task HandleAsync(CategoriesChangedEvent e, CancellationToken ct)
    {
        tree.Invalidate();
        return Task.CompletedTask;
    }

    public Task HandleAsync(ProductChangedEvent e, CancellationToken ct)
    {
        // A product published or withdrawn can enter or leave the home page's shelves.
        cache.EvictShelves();
        return EvictAsync(e.ProductId, ct);
    }

    public Task HandleAsync(ReviewsChangedEvent e, CancellationToken ct) => EvictAsync(e.ProductId, ct);

    private async Task EvictAsync(Guid productId, CancellationToken ct)
    {
        var slug = await db.Products.Where(p => p.Id == productId).Select(p => p.Slug).FirstOrDefaultAsync(ct);
        cache.EvictProduct(slug, productId);
    }
}
