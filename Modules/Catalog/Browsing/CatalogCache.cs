using Microsoft.Extensions.Caching.Memory;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// Keys and lifetimes of the catalog's in-memory caches. A change made through this instance evicts
/// its entries at once; other web instances see it when their entries expire (at most the lifetime).
/// </summary>
internal static class CatalogCache
{
    public static readonly TimeSpan ProductLifetime = TimeSpan.FromMinutes(5);
    public static string ProductKey(string slug) => "catalog:product:" + slug;

    public static string FirstReviewsKey(Guid productId, int pageSize) => $"catalog:reviews:{productId:N}:{pageSize}";

    public static void EvictProduct(this IMemoryCache cache, string? slug, Guid productId)
    {
        if (slug is not null) cache.Remove(ProductKey(slug));
        for (var size = 1; size <= 50; size++) cache.Remove(FirstReviewsKey(productId, size));
    }
}
