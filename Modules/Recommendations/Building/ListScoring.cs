using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The one statement that turns the module's copy of the history into lists (see
/// <see cref="CoPurchaseRebuild"/> for the counting and the score): for every product, or only for
/// some (<see cref="ListRefresh"/>), whose old entries it replaces. Runs inside the caller's transaction.
/// </summary>
internal static class ListScoring
{
    private const string Sql = """
        WITH items AS (
            SELECT DISTINCT customer, sku FROM recommendations.purchases),
        kept AS (
            SELECT customer FROM items GROUP BY customer HAVING count(*) <= @max_products),
        bought AS (
            SELECT i.customer, i.sku FROM items i JOIN kept k ON k.customer = i.customer),
        total AS (
            SELECT count(DISTINCT customer)::float8 AS n FROM bought),
        buyers AS (
            SELECT sku, count(*)::float8 AS c FROM bought GROUP BY sku),
        pairs AS (
            SELECT a.sku AS a, b.sku AS b, count(DISTINCT a.customer)::float8 AS k11
            FROM recommendations.purchases a
            JOIN recommendations.purchases b ON b.order_id = a.order_id AND b.sku <> a.sku
            JOIN kept k ON k.customer = a.customer
            WHERE @all OR a.sku = ANY(@only)
            GROUP BY a.sku, b.sku HAVING count(DISTINCT a.customer) >= @min_support),
        scored AS (
            SELECT p.a, p.b, p.k11, recommendations.llr(p.k11, ca.c - p.k11, cb.c - p.k11, t.n - ca.c - cb.c + p.k11) AS score,
                   p.k11 * t.n > ca.c * cb.c AS above_chance
            FROM pairs p JOIN buyers ca ON ca.sku = p.a JOIN buyers cb ON cb.sku = p.b CROSS JOIN total t),
        ranked AS (
            SELECT a, b, k11, score, above_chance, row_number() OVER (PARTITION BY a
                ORDER BY above_chance DESC, CASE WHEN above_chance THEN score ELSE k11 END DESC, score DESC, b) AS rank
            FROM scored)
        INSERT INTO recommendations.co_purchases (sku, rank, other_sku, score, together, source, computed_at, other_category_id)
        SELECT r.a, r.rank, r.b, r.score, r.k11::int, CASE WHEN r.above_chance THEN @source ELSE @also_source END, @now,
               pl.category_ids[cardinality(pl.category_ids)]
        FROM ranked r LEFT JOIN recommendations.placements pl ON pl.sku = r.b
        WHERE r.rank <= @top_k
        """;

    /// <summary>Replaces the lists of <paramref name="only"/> (every product when null); returns the entries written.</summary>
    public static async Task<int> ComputeAsync(RecommendationsDbContext db, RecommendationsOptions o, DateTimeOffset now, string[]? only, CancellationToken ct)
    {
        if (only is null)
            await db.Database.ExecuteSqlRawAsync("DELETE FROM recommendations.co_purchases", ct);
        else
            await db.Database.ExecuteSqlRawAsync("DELETE FROM recommendations.co_purchases WHERE sku = ANY({0})", [only], ct);
        return await db.Database.ExecuteSqlRawAsync(Sql,
        [
            new NpgsqlParameter("max_products", o.MaxProductsPerCustomer),
            new NpgsqlParameter("all", only is null),
            new NpgsqlParameter("only", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = only ?? [] },
            new NpgsqlParameter("min_support", o.MinSupport),
            new NpgsqlParameter("source", RecommendationSources.CoPurchase),
            new NpgsqlParameter("also_source", RecommendationSources.AlsoBought),
            new NpgsqlParameter("now", now),
            new NpgsqlParameter("top_k", o.TopK),
        ], ct);
    }
}
