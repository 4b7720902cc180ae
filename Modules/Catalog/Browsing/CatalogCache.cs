using Microsoft.Extensions.Caching.Memory;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// Keys and lifetimes of the catalog's in-memory caches. A change made through this instance evicts
/// its entries at once; every other instance evicts them when the change's event reaches it
/// (<see cref="ProductCacheEvictions"/>, a once-per-instance consumer), and the lifetime bounds what
/// a lost event could leave behind.
/// </summary>
internal static class CatalogCache
{
    public static readonly TimeSpan ProductLifetime = TimeSpan.FromMinutes(5);
    public static string ProductKey(string slug) => "catalog:product:" + slug;

    /// <summary>The slug a product's page is cached under on this instance.</summary>
    public static string CachedSlugKey(Guid productId) => $"catalog:product-slug:{productId:N}";

    public static string FirstReviewsKey(Guid productId, int pageSize) => $"catalog:reviews:{productId:N}:{pageSize}";

    /// <summary>The home page's shelves (best rated, newest) of every size.</summary>
    public static string ShelfKey(bool featured, int take) => $"catalog:shelf:{featured}:{take}";

    public static void EvictShelves(this IMemoryCache cache)
    {
        for (var take = 1; take <= 48; take++)
        {
            cache.Remove(ShelfKey(true, take));
            cache.Remove(ShelfKey(false, take));
        }
    }

    public static void EvictProduct(this IMemoryCache cache, string? slug, Guid productId)
    {
        if (slug is not null) cache.Remove(ProductKey(slug));
        if (cache.TryGetValue(CachedSlugKey(productId), out string? cachedSlug) && cachedSlug is not null) cache.Remove(ProductKey(cachedSlug));
        for (var size = 1; size <= 50; size++) cache.Remove(FirstReviewsKey(productId, size));
    }
}
