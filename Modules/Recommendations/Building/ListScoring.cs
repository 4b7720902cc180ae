using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The one statement that turns the module's copy of the history into lists (see
/// <see cref="CoPurchaseRebuild"/> for the counting and the score): for every product, or only for
/// some (<see cref="ListRefresh"/>), whose old entries it replaces. The pairs come from the history;
/// the buyers per product and the customers in all from the counts the rebuild made
/// (<see cref="CountsSql"/>) and the orders since kept current. Runs inside the caller's transaction.
/// </summary>
internal static class ListScoring
{
    private const string Sql = """
        WITH pairs AS (
            SELECT a.sku AS a, b.sku AS b, count(DISTINCT a.customer)::float8 AS k11
            FROM recommendations.purchases a
            JOIN recommendations.purchases b ON b.order_id = a.order_id AND b.sku <> a.sku
            WHERE (@all OR a.sku = ANY(@only))
              AND NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = a.customer)
            GROUP BY a.sku, b.sku HAVING count(DISTINCT a.customer) >= @min_support),
        counted AS (
            SELECT p.a, p.b, p.k11, greatest(ca.buyers, p.k11) AS ca, greatest(cb.buyers, p.k11) AS cb, t.customers::float8 AS n
            FROM pairs p
            JOIN recommendations.product_buyers ca ON ca.sku = p.a
            JOIN recommendations.product_buyers cb ON cb.sku = p.b
            CROSS JOIN recommendations.totals t),
        scored AS (
            SELECT a, b, k11, recommendations.llr(k11, ca - k11, cb - k11, greatest(0, n - ca - cb + k11)) AS score,
                   k11 * n > ca * cb AS above_chance
            FROM counted),
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

    /// <summary>
    /// The counts the score needs, from the whole copied history (the rebuild): customers with too
    /// many products, buyers per product and customers in all, both without those customers.
    /// <see cref="PurchaseFeed"/> keeps the last two current as orders come and go, so a refresh
    /// reads only the pairs of the products it recomputes.
    /// </summary>
    public const string CountsSql = """
        DELETE FROM recommendations.heavy_customers;
        INSERT INTO recommendations.heavy_customers (customer)
            SELECT customer FROM recommendations.purchases GROUP BY customer HAVING count(DISTINCT sku) > {0};
        DELETE FROM recommendations.product_buyers;
        INSERT INTO recommendations.product_buyers (sku, buyers)
            SELECT sku, count(DISTINCT customer) FROM recommendations.purchases p
            WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = p.customer)
            GROUP BY sku;
        DELETE FROM recommendations.totals;
        INSERT INTO recommendations.totals (id, customers)
            SELECT 1, count(DISTINCT customer) FROM recommendations.purchases p
            WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = p.customer);
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
