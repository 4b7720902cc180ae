using Microsoft.EntityFrameworkCore;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Reading;

/// <summary>What one product's list is made of, as stored.</summary>
/// <param name="Pinned">The merchant's pins, oldest first.</param>
/// <param name="CoPurchased">The computed co-purchases, best first.</param>
/// <param name="Blocked">Products never to be shown with this one.</param>
/// <param name="Categories">The product's categories, its own first, then the ones above it.</param>
internal sealed record ListParts(
    IReadOnlyList<string> Pinned,
    IReadOnlyList<RecommendedItem> CoPurchased,
    IReadOnlySet<string> Blocked,
    IReadOnlyList<int> Categories);

/// <summary>
/// Makes a product's list from its parts: pins first, then co-purchases and the popular products
/// bought with it (a pinned or blocked product only once or not at all), then, when fewer than
/// <see cref="RecommendationsOptions.FillBelow"/> products are pinned or bought with it more often than chance, best-sellers of its own category and of the categories above it, marked
/// with where they came from. At most <see cref="RecommendationsOptions.TopK"/> products, never the product itself.
/// </summary>
internal static class ListComposer
{
    public static List<RecommendedItem> Compose(string sku, ListParts parts, Func<int, IReadOnlyList<BestSeller>> bestSellers, RecommendationsOptions o)
    {
        var list = new List<RecommendedItem>(o.TopK);
        var taken = new HashSet<string>(StringComparer.Ordinal) { sku };
        bool Add(RecommendedItem item)
        {
            if (list.Count >= o.TopK || parts.Blocked.Contains(item.Sku) || !taken.Add(item.Sku)) return false;
            list.Add(item);
            return true;
        }
        var coPurchased = parts.CoPurchased.ToDictionary(c => c.Sku, StringComparer.Ordinal);
        foreach (var pinned in parts.Pinned)
        {
            var known = coPurchased.GetValueOrDefault(pinned);
            Add(new RecommendedItem(pinned, known?.Score ?? 0, known?.Together ?? 0, RecommendationSources.Pinned, known?.CategoryId));
        }
        foreach (var item in parts.CoPurchased) Add(item);
        if (list.Count(i => i.Complements) >= o.FillBelow) return list;
        for (var i = 0; i < parts.Categories.Count; i++)
        {
            var source = i == 0 ? RecommendationSources.Category : RecommendationSources.ParentCategory;
            foreach (var best in bestSellers(parts.Categories[i]))
                Add(new RecommendedItem(best.Sku, 0, 0, source, null));
            if (list.Count >= o.TopK) break;
        }
        return list;
    }

    /// <summary>One product's parts read from PostgreSQL, and its list made from them (five small reads).</summary>
    public static async Task<List<RecommendedItem>> FromDatabaseAsync(RecommendationsDbContext db, string sku, RecommendationsOptions o, CancellationToken ct)
    {
        var parts = await PartsAsync(db, sku, ct);
        var categories = parts.Categories.ToArray();
        var best = categories.Length == 0 ? [] : await db.BestSellers.AsNoTracking()
            .Where(b => categories.Contains(b.CategoryId)).OrderBy(b => b.CategoryId).ThenBy(b => b.Rank).ToListAsync(ct);
        var byCategory = best.GroupBy(b => b.CategoryId).ToDictionary(g => g.Key, g => (IReadOnlyList<BestSeller>)g.ToList());
        return Compose(sku, parts, c => byCategory.GetValueOrDefault(c) ?? [], o);
    }

    public static async Task<ListParts> PartsAsync(RecommendationsDbContext db, string sku, CancellationToken ct)
    {
        var pinned = await db.Pins.AsNoTracking().Where(p => p.Sku == sku).OrderBy(p => p.PinnedAt).ThenBy(p => p.OtherSku)
            .Select(p => p.OtherSku).ToListAsync(ct);
        var blocked = await db.Blocks.AsNoTracking().Where(b => b.Sku == sku || b.OtherSku == sku)
            .Select(b => b.Sku == sku ? b.OtherSku : b.Sku).ToListAsync(ct);
        var coPurchased = await db.CoPurchases.AsNoTracking().Where(c => c.Sku == sku).OrderBy(c => c.Rank)
            .Select(c => new RecommendedItem(c.OtherSku, c.Score, c.Together, c.Source, c.OtherCategoryId)).ToListAsync(ct);
        var placement = await db.Placements.AsNoTracking().Where(p => p.Sku == sku).Select(p => p.CategoryIds).SingleOrDefaultAsync(ct);
        return new ListParts(pinned, coPurchased, blocked.ToHashSet(StringComparer.Ordinal), OwnFirst(placement));
    }

    /// <summary>A placement's categories (root first) turned round: the product's own first.</summary>
    public static IReadOnlyList<int> OwnFirst(int[]? rootFirst) => rootFirst is null ? [] : rootFirst.Reverse().ToArray();
}
