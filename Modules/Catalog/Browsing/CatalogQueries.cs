using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

internal sealed class CatalogQueries(CatalogDbContext db, CategoryTree tree, CategoryBrowser browser, IMemoryCache cache) : ICatalogQueries
{
    public async Task<IReadOnlyList<CategoryNode>> GetCategoryTreeAsync(CancellationToken cancellationToken) =>
        (await tree.GetAsync(cancellationToken)).Nodes;

    public Task<CategoryBrowseResult?> BrowseCategoryAsync(CategoryBrowseRequest request, CancellationToken cancellationToken) =>
        browser.BrowseAsync(request, cancellationToken);

    private static readonly Func<CatalogDbContext, string, CancellationToken, Task<Products.Product?>> ProductBySlug =
        EF.CompileAsyncQuery((CatalogDbContext db, string slug, CancellationToken ct) =>
            db.Products.AsNoTracking().Include(p => p.Images.OrderBy(i => i.Position)).FirstOrDefault(p => p.Slug == slug && p.IsPublished));

    /// <summary>
    /// Product pages are the most visited pages of a store; their catalog part is cached briefly
    /// (see <see cref="CatalogCache"/>) and dropped at once when the merchant changes the product.
    /// </summary>
    public async Task<ProductDetails?> GetProductAsync(string slug, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(slug) || slug.Length > 200) return null;
        var key = CatalogCache.ProductKey(slug);
        if (cache.TryGetValue(key, out ProductDetails? cached)) return cached;
        var details = await LoadProductAsync(slug, cancellationToken);
        cache.Set(key, details, CatalogCache.ProductLifetime);
        // Remembered so that an instance told "product X changed" can drop the page under the slug it
        // had, even after the merchant renamed it.
        if (details is not null) cache.Set(CatalogCache.CachedSlugKey(details.Id), slug, CatalogCache.ProductLifetime);
        return details;
    }

    private async Task<ProductDetails?> LoadProductAsync(string slug, CancellationToken cancellationToken)
    {
        var product = await ProductBySlug(db, slug, cancellationToken);
        if (product is null) return null;

        var snapshot = await tree.GetAsync(cancellationToken);
        var crumbs = snapshot.ById.TryGetValue(product.CategoryId, out var category) ? snapshot.Crumbs(category) : [];
        var definitions = category is null ? [] : snapshot.EffectiveAttributes(category);
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(product.Attributes) ?? [];
        var attributes = definitions.Where(d => values.ContainsKey(d.Key))
            .Select(d => new ProductAttribute(d.Key, d.Label, values[d.Key]))
            .Concat(values.Where(v => definitions.All(d => d.Key != v.Key)).Select(v => new ProductAttribute(v.Key, v.Key, v.Value)))
            .ToList();

        var histogram = new int[5];
        var counts = await db.Reviews.AsNoTracking()
            .Where(r => r.ProductId == product.Id && !r.IsHidden)
            .GroupBy(r => r.Rating)
            .Select(g => new { Rating = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var c in counts) histogram[c.Rating - 1] = c.Count;

        return new ProductDetails(product.Id, product.Sku, product.Slug, product.Title, product.Description, product.Brand,
            crumbs, product.Images.Select(i => new ProductImage(i.Url, i.AltText)).ToList(), attributes,
            product.AverageRating, product.ReviewCount, histogram, product.CreatedAt);
    }

    public async Task<Paged<ReviewView>> GetReviewsAsync(Guid productId, int page, int pageSize, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, 50);
        page = Math.Clamp(page, 1, 10_000);
        if (page > 1) return await LoadReviewsAsync(productId, page, pageSize, cancellationToken);
        // The first page is what almost every visitor sees: cached like the product itself.
        var key = CatalogCache.FirstReviewsKey(productId, pageSize);
        if (cache.TryGetValue(key, out Paged<ReviewView>? cached) && cached is not null) return cached;
        var first = await LoadReviewsAsync(productId, 1, pageSize, cancellationToken);
        cache.Set(key, first, CatalogCache.ProductLifetime);
        return first;
    }

    private async Task<Paged<ReviewView>> LoadReviewsAsync(Guid productId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && !r.IsHidden);
        var total = await query.LongCountAsync(cancellationToken);
        page = Paging.Within(page, pageSize, total);
        var items = await query.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new ReviewView(r.Id, r.Rating, r.Title, r.Body, r.Author, r.CreatedAt, r.IsHidden, r.UserId != null))
            .ToListAsync(cancellationToken);
        return new Paged<ReviewView>(items, page, pageSize, total);
    }

    public async Task<IReadOnlyDictionary<string, ProductSummary>> GetProductsBySkuAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var wanted = skus.Where(s => !string.IsNullOrEmpty(s) && s.Length <= 64).Distinct().Take(500).ToArray();
        if (wanted.Length == 0) return new Dictionary<string, ProductSummary>();
        var rows = await (from p in db.Products.AsNoTracking()
                          join l in db.ListingPrices.AsNoTracking() on p.Sku equals l.Sku
                          where p.IsPublished && wanted.Contains(p.Sku)
                          select new
                          {
                              p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.AverageRating, p.ReviewCount,
                              l.Price, l.Currency, l.Available, p.Attributes,
                          }).ToListAsync(cancellationToken);
        var images = await FirstImagesAsync(rows.Select(r => r.Id).ToArray(), cancellationToken);
        return rows.ToDictionary(r => r.Sku, r => new ProductSummary(r.Id, r.Sku, r.Slug, r.Title, r.Brand,
            images.GetValueOrDefault(r.Id), new Money(r.Price, r.Currency),
            r.Available, r.AverageRating, r.ReviewCount) { WeightKg = WeightOf(r.Attributes) }, StringComparer.Ordinal);
    }

    private static decimal? WeightOf(string attributes)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(attributes);
        return values is not null && values.TryGetValue("weight_kg", out var text)
            && decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var kg) && kg >= 0
            ? kg : null;
    }

    /// <summary>
    /// The first picture of each product, read by product id through the (product_id, position)
    /// key: a window function in SQL would number the pictures of the whole catalog first.
    /// </summary>
    private async Task<Dictionary<Guid, ProductImage>> FirstImagesAsync(Guid[] productIds, CancellationToken cancellationToken)
    {
        if (productIds.Length == 0) return [];
        var images = await db.ProductImages.AsNoTracking()
            .Where(i => productIds.Contains(i.ProductId))
            .OrderBy(i => i.ProductId).ThenBy(i => i.Position)
            .Select(i => new { i.ProductId, i.Url, i.AltText })
            .ToListAsync(cancellationToken);
        var first = new Dictionary<Guid, ProductImage>();
        foreach (var image in images) first.TryAdd(image.ProductId, new ProductImage(image.Url, image.AltText));
        return first;
    }

    public Task<IReadOnlyList<ProductSummary>> GetFeaturedAsync(int take, CancellationToken cancellationToken) =>
        ShelfAsync(featured: true, take, cancellationToken);

    public Task<IReadOnlyList<ProductSummary>> GetNewestAsync(int take, CancellationToken cancellationToken) =>
        ShelfAsync(featured: false, take, cancellationToken);

    /// <summary>
    /// Home page shelves: the same for every shopper, so they are kept for a second — enough to
    /// spare the database a burst of renderings, short enough that the page cache's second eviction
    /// after a change (Storefront.Web.Caching) never renders from a stale shelf.
    /// </summary>
    private async Task<IReadOnlyList<ProductSummary>> ShelfAsync(bool featured, int take, CancellationToken cancellationToken)
    {
        take = Math.Clamp(take, 1, 48);
        var key = CatalogCache.ShelfKey(featured, take);
        if (cache.TryGetValue(key, out IReadOnlyList<ProductSummary>? cached) && cached is not null) return cached;
        var query = from p in db.Products.AsNoTracking()
                    join l in db.ListingPrices.AsNoTracking() on p.Sku equals l.Sku
                    where p.IsPublished
                    select new { P = p, L = l };
        query = featured
            ? query.Where(x => x.P.ReviewCount >= 3)
                .OrderByDescending(x => x.P.AverageRating).ThenByDescending(x => x.P.ReviewCount).ThenByDescending(x => x.P.Id)
            : query.OrderByDescending(x => x.P.CreatedAt).ThenByDescending(x => x.P.Id);
        var result = await query.Take(take)
            .Select(x => new
            {
                x.P.Id, x.P.Sku, x.P.Slug, x.P.Title, x.P.Brand, x.P.AverageRating, x.P.ReviewCount,
                x.L.Price, x.L.Currency, x.L.Available,
            })
            .ToListAsync(cancellationToken);
        var images = await FirstImagesAsync(result.Select(r => r.Id).ToArray(), cancellationToken);
        IReadOnlyList<ProductSummary> summaries = result.Select(r => new ProductSummary(r.Id, r.Sku, r.Slug, r.Title, r.Brand,
            images.GetValueOrDefault(r.Id), new Money(r.Price, r.Currency),
            r.Available, r.AverageRating, r.ReviewCount)).ToList();
        cache.Set(key, summaries, TimeSpan.FromSeconds(1));
        return summaries;
    }
}
