using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;
using StackExchange.Redis;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The full rebuild. The window's order history is streamed from Checkout into the module's
/// <c>purchases</c> table with a binary COPY, and the lists are computed by PostgreSQL in one
/// statement: the history never sits in the application's memory. All in one transaction, so
/// shoppers see the old lists until the new ones are complete.
/// </summary>
/// <remarks>
/// A pair counts customers, not orders: one customer buying two products in ten orders is one
/// co-purchase (guests count by e-mail). Each pair is scored by Dunning's log-likelihood ratio over
/// the 2×2 table of customers (bought both, only one, only the other, neither), as in Mahout's item
/// similarity: how unlikely the overlap is by chance given how popular each product is. A product
/// bought with everything is bought with each product about as often as chance predicts and scores
/// low; pairs bought together less often than chance are dropped, and so are pairs fewer than
/// <see cref="RecommendationsOptions.MinSupport"/> customers bought.
/// </remarks>
internal sealed partial class CoPurchaseRebuild(
    RecommendationsDbContext db,
    IOrderHistory history,
    ListCache cache,
    IOptions<RecommendationsOptions> options,
    TimeProvider clock,
    ILogger<CoPurchaseRebuild> logger) : IRecommendationsAdmin
{
    public async Task<RebuildReport> RebuildAsync(CancellationToken ct)
    {
        var o = options.Value;
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var since = started - TimeSpan.FromDays(o.WindowDays);
        var before = await db.CoPurchases.AsNoTracking().Select(c => c.Sku).Distinct().ToListAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One rebuild at a time, across instances: a second one waits and then does its own.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('recommendations:rebuild'))", ct);
        await db.Database.ExecuteSqlRawAsync("TRUNCATE recommendations.purchases", ct);

        var (orders, lines) = (0, 0);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY recommendations.purchases (order_id, sku, customer, placed_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            var last = Guid.Empty;
            await foreach (var line in history.LinesSinceAsync(since, ct))
            {
                if (line.OrderId != last) (orders, last) = (orders + 1, line.OrderId);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(line.OrderId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(line.Sku, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(line.Customer, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(line.PlacedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                lines++;
            }
            await copy.CompleteAsync(ct);
        }

        await db.Database.ExecuteSqlRawAsync("DELETE FROM recommendations.stale_products", ct);
        var pairs = await ListScoring.ComputeAsync(db, o, started, only: null, ct);
        var counts = await db.Database.SqlQuery<Totals>($"""
            SELECT count(DISTINCT customer)::int AS customers, count(DISTINCT sku)::int AS products FROM recommendations.purchases
            """).SingleAsync(ct);
        var report = new RebuildReport(started, watch.Elapsed, orders, lines, counts.Customers, counts.Products, pairs);
        db.Runs.Add(new RebuildRun
        {
            Id = Guid.CreateVersion7(), StartedAt = started, FinishedAt = clock.GetUtcNow(), Orders = orders, Lines = lines,
            Customers = counts.Customers, Products = counts.Products, PairsKept = pairs,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogRebuilt(orders, lines, counts.Customers, pairs, watch.ElapsedMilliseconds);
        await PublishAsync(before, ct);
        return report;
    }

    /// <summary>The new lists into Redis; products that had a list and have none now lose theirs.</summary>
    private async Task PublishAsync(List<string> before, CancellationToken ct)
    {
        var now = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await cache.ReplaceAllAsync(ListsAsync(now, ct), () => before.Where(sku => !now.Contains(sku)).ToList());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotPublished(ex);
        }
    }

    /// <summary>Every product's list, streamed in product order (one query, never all in memory).</summary>
    private async IAsyncEnumerable<(string, IReadOnlyList<RecommendedItem>)> ListsAsync(HashSet<string> seen,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? sku = null;
        var list = new List<RecommendedItem>();
        await foreach (var c in db.CoPurchases.AsNoTracking().OrderBy(c => c.Sku).ThenBy(c => c.Rank).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (c.Sku != sku)
            {
                if (sku is not null) yield return (sku, list);
                (sku, list) = (c.Sku, []);
                seen.Add(c.Sku);
            }
            list.Add(new RecommendedItem(c.OtherSku, c.Score, c.Together, c.Source));
        }
        if (sku is not null) yield return (sku, list);
    }

    private sealed record Totals(int Customers, int Products);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recommendations: the rebuilt lists could not all be written to Redis; it may answer with older lists until the next rebuild")]
    private partial void LogNotPublished(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations rebuilt from {Orders} orders ({Lines} lines, {Customers} customers): {Pairs} list entries in {Milliseconds} ms")]
    private partial void LogRebuilt(int orders, int lines, int customers, int pairs, long milliseconds);
}
