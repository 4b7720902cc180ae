using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.Recommendations.Building;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;

namespace Storefront.Recommendations.Curation;

/// <summary>
/// The merchant's side: the rebuilds' record, coverage, any product's list, pins and blocks. A pin or
/// block is stored, then the lists of both products are made again and written to Redis, so the
/// next page view shows the change; the nightly rebuild keeps it.
/// </summary>
internal sealed class RecommendationsAdmin(
    RecommendationsDbContext db,
    CoPurchaseRebuild rebuild,
    ListRefresh refresh,
    ListCache cache,
    IOptions<RecommendationsOptions> options,
    TimeProvider clock,
    IBackgroundJobClient jobs) : IRecommendationsAdmin
{
    public Task<RebuildReport> RebuildAsync(CancellationToken ct) => rebuild.RebuildAsync(ct);

    public Task<int> RefreshStaleAsync(CancellationToken ct) => refresh.RefreshAsync(ct);

    public void QueueRebuild() => jobs.Enqueue<RebuildJob>(job => job.RunAsync(CancellationToken.None));

    public async Task<IReadOnlyList<RebuildReport>> RecentRunsAsync(int take, CancellationToken ct) =>
        (await db.Runs.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(Math.Clamp(take, 1, 100)).ToListAsync(ct))
        .Select(r => new RebuildReport(r.StartedAt, r.FinishedAt - r.StartedAt, r.Orders, r.Lines, r.Customers, r.Products, r.PairsKept))
        .ToList();

    /// <remarks>
    /// Counted in PostgreSQL over the placed (published) products: products with three or more
    /// products bought with them (co-purchases and popular products alike) or pinned, blocks left out; and with best-sellers filling in, which
    /// a product with a category and any best-seller in it always reaches unless its categories sell too few.
    /// </remarks>
    public async Task<RecommendationCoverage> CoverageAsync(CancellationToken ct) =>
        await db.Database.SqlQuery<RecommendationCoverage>($"""
            WITH going AS (
                SELECT sku, other_sku, bool_or(complements) AS complements FROM (
                    SELECT sku, other_sku, source = {RecommendationSources.CoPurchase} AS complements FROM recommendations.co_purchases
                    UNION ALL SELECT sku, other_sku, true FROM recommendations.pins) g
                GROUP BY sku, other_sku),
            kept AS (
                SELECT g.sku, count(*) AS n, count(*) FILTER (WHERE g.complements) AS complements FROM going g
                WHERE NOT EXISTS (SELECT 1 FROM recommendations.blocks b
                                  WHERE (b.sku = g.sku AND b.other_sku = g.other_sku) OR (b.sku = g.other_sku AND b.other_sku = g.sku))
                GROUP BY g.sku),
            filled AS (
                SELECT p.sku, coalesce(k.n, 0) AS n, coalesce(k.complements, 0) AS complements,
                       (SELECT count(DISTINCT b.sku) FROM recommendations.best_sellers b
                        WHERE b.category_id = ANY(p.category_ids) AND b.sku <> p.sku) AS best
                FROM recommendations.placements p LEFT JOIN kept k ON k.sku = p.sku)
            SELECT count(*)::int AS products,
                   count(*) FILTER (WHERE n >= 3)::int AS with_three,
                   count(*) FILTER (WHERE n >= 3 OR (complements < {options.Value.FillBelow} AND n + best >= 3))::int AS with_three_filled
            FROM filled
            """).SingleAsync(ct);

    public async Task<CuratedList> ListAsync(string sku, CancellationToken ct)
    {
        var parts = await ListComposer.PartsAsync(db, sku, ct);
        var items = await ListComposer.FromDatabaseAsync(db, sku, options.Value, ct);
        return new CuratedList(sku, items, parts.Pinned, parts.Blocked.Order(StringComparer.Ordinal).ToList());
    }

    public async Task PinAsync(string sku, string other, CancellationToken ct)
    {
        if (!Valid(sku, other)) return;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH unblocked AS (
                DELETE FROM recommendations.blocks WHERE (sku = {sku} AND other_sku = {other}) OR (sku = {other} AND other_sku = {sku}))
            INSERT INTO recommendations.pins (sku, other_sku, pinned_at) VALUES ({sku}, {other}, {clock.GetUtcNow()})
            ON CONFLICT DO NOTHING
            """, ct);
        await RepublishAsync([sku, other], ct);
    }

    public async Task UnpinAsync(string sku, string other, CancellationToken ct)
    {
        if (!Valid(sku, other)) return;
        await db.Pins.Where(p => p.Sku == sku && p.OtherSku == other).ExecuteDeleteAsync(ct);
        await RepublishAsync([sku], ct);
    }

    public async Task BlockAsync(string sku, string other, CancellationToken ct)
    {
        if (!Valid(sku, other)) return;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH unpinned AS (
                DELETE FROM recommendations.pins WHERE (sku = {sku} AND other_sku = {other}) OR (sku = {other} AND other_sku = {sku}))
            INSERT INTO recommendations.blocks (sku, other_sku, blocked_at) VALUES ({sku}, {other}, {clock.GetUtcNow()})
            ON CONFLICT DO NOTHING
            """, ct);
        await RepublishAsync([sku, other], ct);
    }

    public async Task UnblockAsync(string sku, string other, CancellationToken ct)
    {
        if (!Valid(sku, other)) return;
        await db.Blocks.Where(b => (b.Sku == sku && b.OtherSku == other) || (b.Sku == other && b.OtherSku == sku)).ExecuteDeleteAsync(ct);
        await RepublishAsync([sku, other], ct);
    }

    private static bool Valid(string sku, string other) =>
        !string.IsNullOrWhiteSpace(sku) && !string.IsNullOrWhiteSpace(other) && sku.Length <= 64 && other.Length <= 64 && sku != other;

    /// <summary>The changed lists into Redis now (best effort: with Redis away, the lists are read from PostgreSQL anyway).</summary>
    private async Task RepublishAsync(IEnumerable<string> skus, CancellationToken ct)
    {
        foreach (var sku in skus) await cache.PutAsync(sku, await ListComposer.FromDatabaseAsync(db, sku, options.Value, ct));
    }
}
