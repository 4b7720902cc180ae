using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using NpgsqlTypes;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// Category pages: the whole subtree, filtered, sorted and keyset-paged in one SQL statement.
/// Written as SQL because the seek predicate is a row comparison that must match an index order.
/// </summary>
internal sealed class CategoryBrowser(CatalogDbContext db, CategoryTree tree, Listing.CategoryFacets categoryFacets)
{
    public const int MaxPageSize = 96;
    /// <summary>Filtered results are counted up to here ("100+ products"); unfiltered counts come exact from the facets.</summary>
    private const int CountCap = 100;

    /// <summary>The sort columns as the index has them, and as the merged rows name them.</summary>
    private sealed record SortSpec(string[] Columns, string[] OutputColumns, bool Descending, bool ByPrice = false);

    private static SortSpec Spec(ProductSort sort) => sort switch
    {
        ProductSort.PriceLowHigh => new(["lp.price", "lp.product_id"], ["x.price", "x.id"], false, ByPrice: true),
        ProductSort.PriceHighLow => new(["lp.price", "lp.product_id"], ["x.price", "x.id"], true, ByPrice: true),
        ProductSort.Rating => new(["p.average_rating", "p.review_count", "p.id"], ["x.average_rating", "x.review_count", "x.id"], true),
        _ => new(["p.created_at", "p.id"], ["x.created_at", "x.id"], true),
    };

    public async Task<CategoryBrowseResult?> BrowseAsync(CategoryBrowseRequest request, CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        // A blank slug (binding makes it null) names no category.
        if (string.IsNullOrWhiteSpace(request.CategorySlug) || !snapshot.BySlug.TryGetValue(request.CategorySlug, out var category)) return null;
        var attributes = snapshot.EffectiveAttributes(category);
        var details = new CategoryDetails(
            category.Id, category.Name, category.Slug, snapshot.Crumbs(category),
            snapshot.ChildrenOf(category.Id).Select(c => new CategoryCrumb(c.Id, c.Name, c.Slug)).ToList(),
            attributes);

        var pageSize = Math.Clamp(request.PageSize, 1, MaxPageSize);
        var spec = Spec(request.Sort);
        var after = BrowseCursor.TryDecode(request.After);
        var before = after is null ? BrowseCursor.TryDecode(request.Before) : null;
        var knownKeys = attributes.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var attributeFilter = request.Attributes?
            .Where(kv => knownKeys.Contains(kv.Key) && !string.IsNullOrWhiteSpace(kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);

        // Filters, written against both aliases: p (products) and lp (the listing copy).
        var filters = new StringBuilder();
        var parameters = new List<NpgsqlParameter>();
        if (request.Brands is { Count: > 0 })
        {
            filters.Append(" AND p.brand = ANY(@brands)");
            parameters.Add(new("brands", request.Brands.ToArray()));
        }
        if (request.MinPrice is { } min)
        {
            filters.Append(" AND lp.price >= @min");
            parameters.Add(new("min", min));
        }
        if (request.MaxPrice is { } max)
        {
            filters.Append(" AND lp.price <= @max");
            parameters.Add(new("max", max));
        }
        if (attributeFilter is { Count: > 0 })
        {
            filters.Append(" AND p.attributes @> @attrs");
            parameters.Add(new("attrs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(attributeFilter) });
        }
        var filterParameters = parameters.ToList();
        var filtered = filters.Length > 0;

        var cursor = after ?? before;
        var seekDescending = before is null ? spec.Descending : !spec.Descending;
        var seek = "";
        if (cursor is not null && TryCursorParameters(request.Sort, cursor, out var cursorParams))
        {
            var op = seekDescending ? "<" : ">";
            seek = $" AND ({string.Join(", ", spec.Columns)}) {op} ({string.Join(", ", cursorParams.Select(c => "@" + c.ParameterName))})";
            parameters.AddRange(cursorParams);
        }
        else
        {
            cursor = null;
        }
        var direction = seekDescending ? "DESC" : "ASC";
        var innerOrder = string.Join(", ", spec.Columns.Select(c => $"{c} {direction}"));
        var outerOrder = string.Join(", ", spec.OutputColumns.Select(c => $"{c} {direction}"));

        // Each category of the subtree is read in sort order from its own index range (a few rows
        // each), and the streams are merged: the cost depends on the page size and the number of
        // categories, not on how many products the subtree holds or how deep the page is.
        var perCategory = spec.ByPrice
            ? """
              FROM catalog.listing_prices lp JOIN catalog.products p ON p.id = lp.product_id
              WHERE lp.category_id = c.id AND lp.published AND p.is_published
              """
            : """
              FROM catalog.products p JOIN catalog.listing_prices lp ON lp.sku = p.sku
              WHERE p.category_id = c.id AND p.is_published
              """;
        parameters.Add(new("cats", snapshot.SubtreeIds(category)));
        var sql = $"""
            SELECT t.*, img.url, img.alt_text FROM (
                SELECT x.* FROM unnest(@cats) AS c(id)
                CROSS JOIN LATERAL (
                    SELECT p.id, p.sku, p.slug, p.title, p.brand, p.average_rating, p.review_count, p.created_at,
                           lp.price, lp.currency, lp.available
                    {perCategory} {filters}{seek}
                    ORDER BY {innerOrder}
                    LIMIT {pageSize + 1}) x
                ORDER BY {outerOrder}
                LIMIT {pageSize + 1}) t
            LEFT JOIN LATERAL (
                SELECT i.url, i.alt_text FROM catalog.product_images i
                WHERE i.product_id = t.id ORDER BY i.position LIMIT 1) img ON true
            ORDER BY {outerOrder.Replace("x.", "t.", StringComparison.Ordinal)}
            """;
        var rows = new List<(ProductSummary Summary, DateTimeOffset CreatedAt)>();
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            foreach (var p in parameters) command.Parameters.Add(p.Clone());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(ReadSummary(reader));
        }

        var hasMore = rows.Count > pageSize;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        if (before is not null) rows.Reverse();

        var page = cursor is null ? 1 : before is not null ? Math.Max(1, cursor.Page - 1) : cursor.Page + 1;
        string? next = null, previous = null;
        if (rows.Count > 0)
        {
            var moreForward = before is not null || hasMore;
            var moreBackward = before is not null ? hasMore : cursor is not null;
            if (moreForward) next = CursorFor(request.Sort, rows[^1], page).Encode();
            if (moreBackward && page > 1) previous = CursorFor(request.Sort, rows[0], page).Encode();
        }

        var facets = await categoryFacets.GetAsync(category, ct);
        var (total, estimate) = filtered
            ? await CountAsync(connection, snapshot.SubtreeIds(category), filters.ToString(), filterParameters, ct)
            : (facets.Total, false);

        return new CategoryBrowseResult(details, rows.Select(r => r.Summary).ToList(), total, estimate, page, next, previous,
            facets.Brands, facets.Attributes);
    }

    private static (ProductSummary, DateTimeOffset) ReadSummary(DbDataReader r)
    {
        var image = r.IsDBNull(11) ? null : new ProductImage(r.GetString(11), r.GetString(12));
        var summary = new ProductSummary(
            r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), image,
            new Money(r.GetDecimal(8), r.GetString(9)), r.GetInt32(10), r.GetDecimal(5), r.GetInt32(6));
        return (summary, r.GetFieldValue<DateTimeOffset>(7));
    }

    private static BrowseCursor CursorFor(ProductSort sort, (ProductSummary S, DateTimeOffset CreatedAt) row, int page) => sort switch
    {
        ProductSort.PriceLowHigh or ProductSort.PriceHighLow =>
            new(row.S.Price!.Value.Amount.ToString(CultureInfo.InvariantCulture), null, row.S.Id, page),
        ProductSort.Rating => new(row.S.AverageRating.ToString(CultureInfo.InvariantCulture),
            row.S.ReviewCount.ToString(CultureInfo.InvariantCulture), row.S.Id, page),
        _ => new(row.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), null, row.S.Id, page),
    };

    private static bool TryCursorParameters(ProductSort sort, BrowseCursor cursor, out List<NpgsqlParameter> result)
    {
        result = [];
        var inv = CultureInfo.InvariantCulture;
        switch (sort)
        {
            case ProductSort.PriceLowHigh or ProductSort.PriceHighLow:
                if (!decimal.TryParse(cursor.Primary, NumberStyles.Number, inv, out var price)) return false;
                result.Add(new("c1", price));
                break;
            case ProductSort.Rating:
                if (!decimal.TryParse(cursor.Primary, NumberStyles.Number, inv, out var rating)
                    || !int.TryParse(cursor.Secondary, NumberStyles.Integer, inv, out var count)) return false;
                result.Add(new("c1", rating));
                result.Add(new("c2", count));
                break;
            default:
                if (!long.TryParse(cursor.Primary, NumberStyles.Integer, inv, out var ticks)
                    || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
                result.Add(new("c1", new DateTimeOffset(ticks, TimeSpan.Zero)));
                break;
        }
        result.Add(new("c9", cursor.Id));
        return true;
    }

    /// <summary>Counts matches up to a cap: "10,000+ products" is as useful as an exact count and far cheaper.</summary>
    private static async Task<(long, bool)> CountAsync(NpgsqlConnection connection, int[] categoryIds, string filters,
        List<NpgsqlParameter> parameters, CancellationToken ct)
    {
        // The same per-category index ranges as the page, stopping at the cap. The ORDER BY keeps
        // the planner on the ordered index, which stops early, instead of intersecting bitmaps
        // of every match of each filter.
        var sql = $"""
            SELECT count(*) FROM (
                SELECT 1 FROM unnest(@cats) AS c(id)
                CROSS JOIN LATERAL (
                    SELECT 1 FROM catalog.products p JOIN catalog.listing_prices lp ON lp.sku = p.sku
                    WHERE p.category_id = c.id AND p.is_published {filters}
                    ORDER BY p.created_at DESC, p.id DESC LIMIT {CountCap + 1}) x
                LIMIT {CountCap + 1}) t
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new("cats", categoryIds));
        foreach (var p in parameters) command.Parameters.Add(p.Clone());
        var count = (long)(await command.ExecuteScalarAsync(ct))!;
        return count > CountCap ? (CountCap, true) : (count, false);
    }
}
