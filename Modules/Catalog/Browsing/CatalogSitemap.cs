using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

internal sealed class CatalogSitemap(CatalogDbContext db) : ICatalogSitemap
{
    public async Task<IReadOnlyList<SitemapPart>> ProductPartsAsync(int urlsPerPart, CancellationToken cancellationToken)
    {
        // One pass over the published products in id order (the primary key's index), numbering them
        // and cutting every urlsPerPart: only the parts come back. PostgreSQL has no min(uuid); the
        // text form (fixed-width lower-case hex) sorts as the uuid does.
        const string sql = """
            SELECT part, min(id::text)::uuid, count(*), max(changed)
            FROM (SELECT p.id, greatest(p.updated_at, lp.price_changed_at) AS changed, (row_number() OVER (ORDER BY p.id) - 1) / @per AS part
                  FROM catalog.products p LEFT JOIN catalog.listing_prices lp ON lp.sku = p.sku
                  WHERE p.is_published) numbered
            GROUP BY part ORDER BY part
            """;
        var parts = new List<SitemapPart>();
        var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("per", (long)urlsPerPart);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            parts.Add(new SitemapPart((int)reader.GetInt64(0) + 1, reader.GetGuid(1), (int)reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return parts;
    }

    public async IAsyncEnumerable<SitemapEntry> ProductsAsync(Guid firstId, Guid? nextFirstId, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT p.slug, greatest(p.updated_at, (SELECT lp.price_changed_at FROM catalog.listing_prices lp WHERE lp.sku = p.sku))
            FROM catalog.products p
            WHERE p.is_published AND p.id >= @first AND (@next::uuid IS NULL OR p.id < @next)
            ORDER BY p.id LIMIT @max
            """, connection);
        command.Parameters.AddWithValue("first", firstId);
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)nextFirstId ?? DBNull.Value });
        command.Parameters.AddWithValue("max", max);
        // Rows are read as they arrive: the part is never held whole. The price's time is looked up
        // by SKU for each row: a join would have the planner read the whole listing copy per part.
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new SitemapEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task<IReadOnlyList<(string Slug, DateTimeOffset? LastModified)>> CategoriesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        var categories = new List<(int Id, int? Parent, string Slug)>();
        await using (var command = new NpgsqlCommand("SELECT id, parent_id, slug FROM catalog.categories ORDER BY path", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                categories.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetString(2)));
        }
        var latest = new Dictionary<int, DateTimeOffset>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT p.category_id, max(greatest(p.updated_at, lp.price_changed_at))
            FROM catalog.products p LEFT JOIN catalog.listing_prices lp ON lp.sku = p.sku
            WHERE p.is_published GROUP BY p.category_id
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) latest[reader.GetInt32(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        // A category page lists the products of its whole subtree: its change is its latest descendant's.
        // Ordered by path, children come after their parents: walking backwards rolls each up once.
        for (var i = categories.Count - 1; i >= 0; i--)
        {
            var (id, parent, _) = categories[i];
            if (parent is { } p && latest.TryGetValue(id, out var changed) && (!latest.TryGetValue(p, out var known) || known < changed))
                latest[p] = changed;
        }
        return categories.Select(c => (c.Slug, latest.TryGetValue(c.Id, out var changed) ? changed : (DateTimeOffset?)null)).ToList();
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }
}
