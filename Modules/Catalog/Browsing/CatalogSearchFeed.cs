using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

internal sealed class CatalogSearchFeed(CatalogDbContext db, CategoryTree tree, IOptions<StoreCurrencyOptions> store) : ICatalogSearchFeed
{
    public async Task<IReadOnlyList<SearchSource>> BatchAsync(Guid? after, int take, CancellationToken ct)
    {
        var query = db.Products.AsNoTracking().Where(p => p.IsPublished);
        if (after is { } last) query = query.Where(p => p.Id.CompareTo(last) > 0);
        return await ProjectAsync(query.OrderBy(p => p.Id).Take(Math.Clamp(take, 1, 5000)), ct);
    }

    public async Task<IReadOnlyList<SearchSource>> CurrentAsync(IReadOnlyCollection<Guid> productIds, IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var ids = productIds.Distinct().ToArray();
        var skuList = skus.Distinct().ToArray();
        if (ids.Length == 0 && skuList.Length == 0) return [];
        return await ProjectAsync(db.Products.AsNoTracking().Where(p => ids.Contains(p.Id) || skuList.Contains(p.Sku)), ct);
    }

    private async Task<IReadOnlyList<SearchSource>> ProjectAsync(IQueryable<Products.Product> products, CancellationToken ct)
    {
        var currency = store.Value.Currency;
        var rows = await (from p in products
                          join l in db.ListingPrices.AsNoTracking() on p.Sku equals l.Sku into listing
                          from l in listing.DefaultIfEmpty()
                          select new
                          {
                              p.Id, p.Sku, p.Slug, p.Title, p.Description, p.Brand, p.CategoryId, p.AverageRating, p.ReviewCount, p.CreatedAt, p.IsPublished,
                              Price = l == null ? 0m : l.Price, Currency = l == null ? currency : l.Currency, Available = l == null ? 0 : l.Available,
                          }).ToListAsync(ct);
        var snapshot = await tree.GetAsync(ct);
        return rows.Select(r =>
        {
            var crumbs = snapshot.ById.TryGetValue(r.CategoryId, out var category) ? snapshot.Crumbs(category) : [];
            return new SearchSource(r.Id, r.Sku, r.Slug, r.Title, r.Description, r.Brand, crumbs.Select(c => c.Slug).ToList(),
                r.Price, r.Currency, r.Available, r.AverageRating, r.ReviewCount, r.CreatedAt, r.IsPublished)
            {
                CategoryNames = crumbs.Select(c => c.Name).ToList(),
                CategoryIds = crumbs.Select(c => c.Id).ToList(),
            };
        }).ToList();
    }
}
