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
}

/// <summary>
/// Facet counts over a whole category cost far more than a page of it (every product of the
/// subtree is read), so they are computed off the request path: a recurring job refreshes every
/// category into <c>catalog.category_facets</c>, pages read that row (through a one-minute memory
/// cache), and a category with no row yet is computed once, by one request, while others wait.
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
                : await ComputeAndStoreAsync(category, ct);
            cache.Set(key, facets, TimeSpan.FromMinutes(1));
            return facets;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Recomputes every category (the recurring job and the end of a bulk load).</summary>
    public async Task RefreshAllAsync(CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        foreach (var category in snapshot.ById.Values.OrderBy(c => c.Path, StringComparer.Ordinal))
            await ComputeAndStoreAsync(category, ct);
        cache.Remove("catalog:facets:version");
    }

    /// <summary>Drops every stored count (the tree changed shape); they are recomputed on demand.</summary>
    public async Task InvalidateAllAsync(CancellationToken ct)
    {
        await db.Set<CategoryFacetRow>().ExecuteDeleteAsync(ct);
        cache.Remove("catalog:facets:version");
    }

    private async Task<FacetSet> ComputeAndStoreAsync(Category category, CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        var facets = await ComputeAsync(category, snapshot.EffectiveAttributes(category), ct);
        var json = JsonSerializer.Serialize(facets, Json);
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.category_facets (category_id, facets, computed_at) VALUES ({category.Id}, {json}::jsonb, {now})
            ON CONFLICT (category_id) DO UPDATE SET facets = excluded.facets, computed_at = excluded.computed_at
            """, ct);
        return facets;
    }

    private async Task<FacetSet> ComputeAsync(Category category, IReadOnlyList<AttributeDefinition> attributes, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
        var brands = new List<FacetValue>();
        long total = 0;
        await using (var command = new NpgsqlCommand("""
            SELECT p.brand, count(*) FROM catalog.products p JOIN catalog.listing_prices lp ON lp.sku = p.sku
            WHERE p.is_published AND p.category_path LIKE @path
            GROUP BY p.brand ORDER BY count(*) DESC, p.brand
            """, connection))
        {
            command.Parameters.Add(new("path", category.Path + "%"));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var count = reader.GetInt64(1);
                total += count;
                if (brands.Count < MaxValues) brands.Add(new FacetValue(reader.GetString(0), count));
            }
        }

        // Every attribute value of the subtree in one pass over its products.
        var counts = new Dictionary<string, List<FacetValue>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT kv.key, kv.value, count(*) FROM catalog.products p CROSS JOIN LATERAL jsonb_each_text(p.attributes) kv
            WHERE p.is_published AND p.category_path LIKE @path
            GROUP BY kv.key, kv.value
            """, connection))
        {
            command.Parameters.Add(new("path", category.Path + "%"));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var attributeKey = reader.GetString(0);
                if (!counts.TryGetValue(attributeKey, out var list)) counts[attributeKey] = list = [];
                list.Add(new FacetValue(reader.GetString(1), reader.GetInt64(2)));
            }
        }
        var byAttribute = new Dictionary<string, IReadOnlyList<FacetValue>>(StringComparer.Ordinal);
        foreach (var definition in attributes.Where(a => a.Kind == AttributeKind.Choice))
        {
            if (!counts.TryGetValue(definition.Key, out var values)) continue;
            var order = definition.Options.Select((o, i) => (o, i)).ToDictionary(x => x.o, x => x.i, StringComparer.Ordinal);
            byAttribute[definition.Key] = values.OrderByDescending(v => v.Count).Take(MaxValues)
                .OrderBy(v => order.GetValueOrDefault(v.Value, int.MaxValue)).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
        }
        return new FacetSet(total, brands, byAttribute);
    }
}
