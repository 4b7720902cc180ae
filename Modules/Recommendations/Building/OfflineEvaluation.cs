using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The lists' quality measured offline on the module's copy of the history (as the last rebuild
/// left it): the latest orders of two or more products are held out, one product of each hidden
/// (picked by a hash of order and product, so the same every run), and every method is built from
/// the other orders only. Besides the hit rate over all of them it reports the hit rate over the
/// orders whose hidden product is not one of the store's best-sellers (the top 1 % by customers):
/// the part a list that just follows popularity cannot guess. Each held-out order's visible products ask for five recommendations, their
/// lists merged by reciprocal rank; a hit is the hidden product among the five. All in a transaction
/// that is rolled back: the served lists do not change.
/// </summary>
internal sealed class OfflineEvaluation(RecommendationsDbContext db, IOptions<RecommendationsOptions> options, TimeProvider clock) : IRecommendationsEvaluation
{
    private const int Shown = 5;

    /// <summary>Five recommendations per held-out order from the lists in <c>{0}</c> (sku, rank, other_sku), and the hit rate.</summary>
    private const string ScoreSql = """
        WITH visible AS (
            SELECT h.order_id, h.sku FROM eval_lines h WHERE NOT h.hidden),
        candidates AS (
            SELECT v.order_id, l.other_sku, sum(1.0 / l.rank) AS weight
            FROM visible v JOIN {0} l ON l.sku = v.sku
            WHERE NOT EXISTS (SELECT 1 FROM visible w WHERE w.order_id = v.order_id AND w.sku = l.other_sku)
            GROUP BY v.order_id, l.other_sku),
        top AS (
            SELECT order_id, other_sku, row_number() OVER (PARTITION BY order_id ORDER BY weight DESC, other_sku) AS place FROM candidates),
        shown AS (
            SELECT * FROM top WHERE place <= {1})
        SELECT (SELECT count(DISTINCT order_id) FROM eval_lines)::int AS orders,
               count(DISTINCT s.order_id)::int AS answered,
               count(*) FILTER (WHERE h.sku IS NOT NULL)::int AS hits,
               (SELECT count(*) FROM eval_lines h WHERE h.hidden AND h.sku NOT IN (SELECT sku FROM eval_best))::int AS orders_beyond_best,
               count(*) FILTER (WHERE h.sku IS NOT NULL AND h.sku NOT IN (SELECT sku FROM eval_best))::int AS hits_beyond_best
        FROM shown s LEFT JOIN eval_lines h ON h.order_id = s.order_id AND h.sku = s.other_sku AND h.hidden
        """;

    public async Task<EvaluationReport> EvaluateAsync(int heldOut, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var o = options.Value;
        db.Database.SetCommandTimeout(CoPurchaseRebuild.LongWork);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('recommendations:rebuild'))", ct);
        await db.Database.ExecuteSqlRawAsync(Numbers("""
            CREATE TEMP TABLE eval_orders ON COMMIT DROP AS
                SELECT order_id FROM recommendations.purchases GROUP BY order_id HAVING count(*) >= 2
                ORDER BY max(placed_at) DESC, order_id LIMIT {0};
            CREATE TEMP TABLE eval_lines ON COMMIT DROP AS
                SELECT p.order_id, p.sku,
                       row_number() OVER (PARTITION BY p.order_id ORDER BY md5(p.order_id::text || p.sku)) = 1 AS hidden
                FROM recommendations.purchases p JOIN eval_orders e ON e.order_id = p.order_id;
            DELETE FROM recommendations.purchases p USING eval_orders e WHERE p.order_id = e.order_id;
            """, heldOut), ct);
        // Ours: the lists exactly as the rebuild computes them, from the history without the held-out orders.
        await ListScoring.ComputeAsync(db, o, clock.GetUtcNow(), only: null, ct);
        await db.Database.ExecuteSqlRawAsync(Numbers("""
            CREATE TEMP TABLE eval_ours ON COMMIT DROP AS SELECT sku, rank, other_sku FROM recommendations.co_purchases;
            CREATE TEMP TABLE eval_naive ON COMMIT DROP AS
                SELECT sku, rank, other_sku FROM (
                    SELECT a.sku, b.sku AS other_sku, row_number() OVER (PARTITION BY a.sku ORDER BY count(*) DESC, b.sku) AS rank
                    FROM recommendations.purchases a JOIN recommendations.purchases b ON b.order_id = a.order_id AND b.sku <> a.sku
                    GROUP BY a.sku, b.sku) ranked
                WHERE rank <= {0};
            CREATE TEMP TABLE eval_best ON COMMIT DROP AS
                SELECT sku FROM recommendations.purchases GROUP BY sku ORDER BY count(DISTINCT customer) DESC, sku
                LIMIT greatest(1, (SELECT count(DISTINCT sku) FROM recommendations.purchases) / 100);
            CREATE TEMP TABLE eval_popular ON COMMIT DROP AS
                SELECT v.sku, t.rank, t.other_sku
                FROM (SELECT DISTINCT sku FROM eval_lines) v
                CROSS JOIN (SELECT sku AS other_sku, row_number() OVER (ORDER BY count(DISTINCT customer) DESC, sku) AS rank
                            FROM recommendations.purchases GROUP BY sku ORDER BY 2 LIMIT {0}) t
                WHERE t.other_sku <> v.sku;
            """, o.TopK), ct);
        var ours = await ScoreAsync("eval_ours", ct);
        var naive = await ScoreAsync("eval_naive", ct);
        var popular = await ScoreAsync("eval_popular", ct);
        await tx.RollbackAsync(ct);
        return new EvaluationReport(ours.Orders, Shown, ours.Result("co-purchase, log-likelihood ratio"),
            naive.Result("raw co-occurrence count (naive)"), popular.Result("best-sellers overall"), watch.Elapsed);
    }

    /// <summary>The SQL with {0} replaced by a whole number (temporary tables take no parameters).</summary>
    private static string Numbers(string sql, int n) => sql.Replace("{0}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task<Counts> ScoreAsync(string table, CancellationToken ct) =>
        await db.Database.SqlQueryRaw<Counts>(ScoreSql.Replace("{0}", table, StringComparison.Ordinal).Replace("{1}", Shown.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
            .SingleAsync(ct);

    private sealed record Counts(int Orders, int Answered, int Hits, int OrdersBeyondBest, int HitsBeyondBest)
    {
        public MethodResult Result(string method) => new(method, Hits, Orders == 0 ? 0 : (double)Hits / Orders,
            Orders == 0 ? 0 : (double)Hits / (Orders * (double)Shown), Orders == 0 ? 0 : (double)Answered / Orders)
        {
            HitRateBeyondBestSellers = OrdersBeyondBest == 0 ? 0 : (double)HitsBeyondBest / OrdersBeyondBest,
            HeldOutBeyondBestSellers = OrdersBeyondBest,
        };
    }
}
