using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Listing;

/// <summary>Product count, brand counts and attribute value counts of a whole category.</summary>
internal sealed record FacetSet(long Total, IReadOnlyList<FacetValue> Brands, IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Attributes);

internal sealed class CategoryFacetRow
{
    public int CategoryId { get; set; }
    public string Facets { get; set; } = "{}";
    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>
    /// Set (to a new number of the sequence <c>catalog.category_facet_marks</c>) by every change
    /// that can alter the counts, in the change's transaction; cleared by the recount that read
    /// this very number before it counted, so a change made during a recount is counted again.
    /// </summary>
    public long? StaleMark { get; set; }

    /// <summary>The number of the snapshot these counts were read in (<see cref="CategoryFacets"/>): a later count replaces them, an earlier one never does.</summary>
    public long CountedFrom { get; set; }
}

/// <summary>
/// Facet counts over a whole category cost far more than a page of it (every product of the
/// subtree is read), so they are computed off the request path and kept in
/// <c>catalog.category_facets</c>; pages read that row (through a one-minute memory cache), and a
/// category with no row yet is computed once, by one request, while others wait.
/// <para>
/// A product change that can alter counts (created, published or withdrawn, moved, a new brand or
/// attribute value) marks its old and new categories and their parents stale in its own
/// transaction (<see cref="MarkStaleAsync"/>); the once-per-cluster consumer
/// <see cref="CategoryCountsRecount"/> recounts them as the change's event arrives and tells every
/// instance (<see cref="CategoryCountsChangedEvent"/>). A recurring job recounts everything as a
/// safety net.
/// </para>
/// </summary>
internal sealed class CategoryFacets(CatalogDbContext db, CategoryTree tree, IMemoryCache cache, TimeProvider clock)
{
    public const int MaxValues = 40;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private string Key(Category category) =>
        $"catalog:facets:{category.Id}:{category.Path}:{cache.GetOrCreate("catalog:facets:version", _ => Guid.NewGuid())}";

    public async Task<FacetSet> GetAsync(Category category, CancellationToken ct)
    {
        var key = Key(category);
        if (cache.TryGetValue(key, out FacetSet? cached) && cached is not null) return cached;
        var gate = Gates.GetOrAdd($"{db.Database.GetConnectionString()}|{category.Id}", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (cache.TryGetValue(key, out cached) && cached is not null) return cached;
            var stored = await db.Set<CategoryFacetRow>().AsNoTracking()
                .Where(r => r.CategoryId == category.Id).Select(r => r.Facets).FirstOrDefaultAsync(ct);
            var facets = stored is not null
                ? JsonSerializer.Deserialize<FacetSet>(stored, Json)!
                : (await CountAndStoreAsync(category.Path, [(category, null)], ct))[category.Id];
            cache.Set(key, facets, TimeSpan.FromMinutes(1));
            return facets;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Recomputes every category (the recurring job and the end of a bulk load); returns their ids.</summary>
    public async Task<IReadOnlyList<int>> RefreshAllAsync(CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        var marks = await MarksAsync(ct);
        var categories = snapshot.ById.Values.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        // One pass over each top category's products counts it and every category under it.
        foreach (var group in categories.GroupBy(TopPath, StringComparer.Ordinal))
            await CountAndStoreAsync(group.Key, group.Select(c => (c, marks.TryGetValue(c.Id, out var mark) ? (long?)mark : null)).ToList(), ct);
        Forget(cache);
        return categories.Select(c => c.Id).ToList();
    }

    /// <summary>
    /// Marks the categories of <paramref name="categoryIds"/> and every parent of them stale, in the
    /// caller's transaction (this context's). A category never counted has no row and is counted
    /// when first shown.
    /// </summary>
    public async Task MarkStaleAsync(IEnumerable<int> categoryIds, CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        var ids = new HashSet<int>();
        foreach (var id in categoryIds)
        {
            if (!snapshot.ById.TryGetValue(id, out var category)) continue;
            foreach (var part in category.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                ids.Add(int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (ids.Count == 0) return;
        var array = ids.ToArray();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE catalog.category_facets SET stale_mark = nextval('catalog.category_facet_marks') WHERE category_id = ANY({array})", ct);
    }

    /// <summary>
    /// Recounts every category marked stale (one pass over each top category's products) and returns
    /// their ids. A category marked again while it was counted stays marked for the next pass.
    /// </summary>
    public async Task<IReadOnlyList<int>> RecountStaleAsync(CancellationToken ct)
    {
        var marks = await MarksAsync(ct);
        if (marks.Count == 0) return [];
        var snapshot = await tree.GetAsync(ct);
        var recounted = new List<int>();
        foreach (var (id, _) in marks.Where(m => !snapshot.ById.ContainsKey(m.Key)))
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM catalog.category_facets WHERE category_id = {id}", ct);
            recounted.Add(id);
        }
        // A change marks its category and every parent: one pass over the top category's products
        // counts them all (at 1,000,000 products, the top category's time instead of the sum of
        // each level's).
        var stale = marks.Where(m => snapshot.ById.ContainsKey(m.Key)).Select(m => (Category: snapshot.ById[m.Key], Mark: (long?)m.Value));
        foreach (var group in stale.GroupBy(s => TopPath(s.Category), StringComparer.Ordinal))
        {
            await CountAndStoreAsync(group.Key, group.ToList(), ct);
            recounted.AddRange(group.Select(s => s.Category.Id));
        }
        Forget(cache);
        return recounted;
    }

    /// <summary>Makes this instance read every category's counts from the table again.</summary>
    public static void Forget(IMemoryCache cache) => cache.Remove("catalog:facets:version");

    private async Task<Dictionary<int, long>> MarksAsync(CancellationToken ct) =>
        await db.Set<CategoryFacetRow>().AsNoTracking().Where(r => r.StaleMark != null)
            .ToDictionaryAsync(r => r.CategoryId, r => r.StaleMark!.Value, ct);

    /// <summary>Drops every stored count (the tree changed shape); they are recomputed on demand.</summary>
    public async Task InvalidateAllAsync(CancellationToken ct)
    {
        await db.Set<CategoryFacetRow>().ExecuteDeleteAsync(ct);
        Forget(cache);
    }

    /// <summary>The path of the top category a category is under ("/12/" for "/12/30/31/").</summary>
    private static string TopPath(Category category) => "/" + category.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0] + "/";

    /// <summary>
    /// Counts <paramref name="categories"/> (all under <paramref name="under"/>) in one snapshot and
    /// stores each one's counts unless a count that began later is stored already (two recounts can
    /// overlap: the consumer, the hourly job, a first view), so counts never go back in time.
    /// </summary>
    /// <param name="categories">
    /// Each with the stale mark read before counting began, cleared if it is still the row's: the
    /// stored counts (these, or a later count's) include every change up to that mark. A change made
    /// since then has put a new mark, which stays for the next pass.
    /// </param>
    private async Task<Dictionary<int, FacetSet>> CountAndStoreAsync(string under, IReadOnlyList<(Category Category, long? Mark)> categories, CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        var (counts, countedFrom) = await CountAsync(under, ct);
        var now = clock.GetUtcNow();
        var stored = new Dictionary<int, FacetSet>();
        foreach (var (category, mark) in categories)
        {
            var facets = counts.For(category, snapshot.EffectiveAttributes(category));
            var json = JsonSerializer.Serialize(facets, Json);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO catalog.category_facets AS f (category_id, facets, computed_at, counted_from) VALUES ({category.Id}, {json}::jsonb, {now}, {countedFrom})
                ON CONFLICT (category_id) DO UPDATE SET
                    facets = CASE WHEN f.counted_from < excluded.counted_from THEN excluded.facets ELSE f.facets END,
                    computed_at = CASE WHEN f.counted_from < excluded.counted_from THEN excluded.computed_at ELSE f.computed_at END,
                    counted_from = greatest(f.counted_from, excluded.counted_from),
                    stale_mark = CASE WHEN f.stale_mark = {mark}::bigint THEN NULL ELSE f.stale_mark END
                """, ct);
            stored[category.Id] = facets;
        }
        return stored;
    }

    /// <summary>Brand and attribute value counts of each category path under one, to be added up per category.</summary>
    private sealed class PathCounts
    {
        public List<(string Path, string Brand, long Count)> Brands { get; } = [];
        public List<(string Path, string Key, string Value, long Count)> Attributes { get; } = [];

        public FacetSet For(Category category, IReadOnlyList<AttributeDefinition> attributes)
        {
            bool Under(string path) => path.StartsWith(category.Path, StringComparison.Ordinal);
            var brandCounts = Brands.Where(b => Under(b.Path)).GroupBy(b => b.Brand, StringComparer.Ordinal)
                .Select(g => new FacetValue(g.Key, g.Sum(b => b.Count))).ToList();
            var total = brandCounts.Sum(b => b.Count);
            var brands = brandCounts.OrderByDescending(b => b.Count).ThenBy(b => b.Value, StringComparer.Ordinal).Take(MaxValues).ToList();
            var byKey = Attributes.Where(a => Under(a.Path)).GroupBy(a => a.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.GroupBy(a => a.Value, StringComparer.Ordinal).Select(v => new FacetValue(v.Key, v.Sum(a => a.Count))).ToList(), StringComparer.Ordinal);
            var byAttribute = new Dictionary<string, IReadOnlyList<FacetValue>>(StringComparer.Ordinal);
            foreach (var definition in attributes.Where(a => a.Kind == AttributeKind.Choice))
            {
                if (!byKey.TryGetValue(definition.Key, out var values)) continue;
                var order = definition.Options.Select((o, i) => (o, i)).ToDictionary(x => x.o, x => x.i, StringComparer.Ordinal);
                byAttribute[definition.Key] = values.OrderByDescending(v => v.Count).Take(MaxValues)
                    .OrderBy(v => order.GetValueOrDefault(v.Value, int.MaxValue)).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
            }
            return new FacetSet(total, brands, byAttribute);
        }
    }

    /// <summary>
    /// The counts under a path, by category path, read in one snapshot, and the number of that
    /// snapshot: a number of the marks' sequence taken by its first statement, so a later count has
    /// a higher one.
    /// </summary>
    private async Task<(PathCounts Counts, long CountedFrom)> CountAsync(string under, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long countedFrom;
        await using (var command = new NpgsqlCommand("SELECT nextval('catalog.category_facet_marks')", connection, transaction))
            countedFrom = (long)(await command.ExecuteScalarAsync(ct))!;
        var counts = new PathCounts();
        await using (var command = new NpgsqlCommand("""
            SELECT p.category_path, p.brand, count(*) FROM catalog.products p JOIN catalog.listing_prices lp ON lp.sku = p.sku
            WHERE p.is_published AND p.category_path LIKE @path
            GROUP BY p.category_path, p.brand
            """, connection, transaction))
        {
            command.Parameters.Add(new("path", under + "%"));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) counts.Brands.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        // Every attribute value of the subtree in one pass over its products.
        await using (var command = new NpgsqlCommand("""
            SELECT p.category_path, kv.key, kv.value, count(*) FROM catalog.products p CROSS JOIN LATERAL jsonb_each_text(p.attributes) kv
            WHERE p.is_published AND p.category_path LIKE @path
            GROUP BY p.category_path, kv.key, kv.value
            """, connection, transaction))
        {
            command.Parameters.Add(new("path", under + "%"));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) counts.Attributes.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }
        await transaction.CommitAsync(ct);
        return (counts, countedFrom);
    }
}
