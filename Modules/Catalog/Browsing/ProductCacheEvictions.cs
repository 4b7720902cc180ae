using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// Drops this instance's cached product page when the product or its reviews change, whichever
/// instance made the change (delivered once per instance).
/// </summary>
internal sealed class ProductCacheEvictions(CatalogDbContext db, IMemoryCache cache) :
    IIntegrationEventHandler<ProductChangedEvent>, IIntegrationEventHandler<ReviewsChangedEvent>
{
    public Task HandleAsync(ProductChangedEvent e, CancellationToken ct) => EvictAsync(e.ProductId, ct);

    public Task HandleAsync(ReviewsChangedEvent e, CancellationToken ct) => EvictAsync(e.ProductId, ct);

    private async Task EvictAsync(Guid productId, CancellationToken ct)
    {
        var slug = await db.Products.Where(p => p.Id == productId).Select(p => p.Slug).FirstOrDefaultAsync(ct);
        cache.EvictProduct(slug, productId);
    }
}
