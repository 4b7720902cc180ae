using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;
using StackExchange.Redis;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The full rebuild. The window's order history is streamed from Checkout into the module's
/// <c>purchases</c> table with a binary COPY, where every published product sits is copied from the
/// catalog the same way, and the lists and each category's best-sellers are computed by PostgreSQL:
/// the history never sits in the application's memory. All in one transaction, so shoppers see the
/// old lists until the new ones are complete.
/// </summary>
/// <remarks>
/// A pair counts customers who bought both products in one order: one customer buying the two
/// together in ten orders is one co-purchase (guests count by e-mail), and two products a customer
/// bought months apart in separate orders are not a pair (counting those too measured worse: see
/// docs/benchmarks.md, "Recommendations"). Each pair is scored by Dunning's log-likelihood ratio over
/// the 2×2 table of customers (bought both, only one, only the other, neither), as in Mahout's item
/// similarity: how unlikely the overlap is by chance given how popular each product is. A product
/// bought with everything is bought with each product about as often as chance predicts and scores
/// low; pairs bought together less often than chance are dropped, and so are pairs fewer than
/// <see cref="RecommendationsOptions.MinSupport"/> customers bought.
/// </remarks>
internal sealed partial class CoPurchaseRebuild(
    RecommendationsDbContext db,
    IOrderHistory history,
    ICatalogSearchFeed catalog,
    ListCache cache,
    IOptions<RecommendationsOptions> options,
    TimeProvider clock,
    ILogger<CoPurchaseRebuild> logger)
{
    private const int CatalogBatch = 2000;

    /// <summary>How long one statement of a rebuild (or of a refresh, or an evaluation) may take.</summary>
    internal static readonly TimeSpan LongWork = TimeSpan.FromMinutes(30);

    private const string BestSellersSql = """
        WITH buyers AS (
            SELECT sku, count(DISTINCT customer) AS n FROM recommendations.purchases GROUP BY sku),
        placed AS (
            SELECT c.category_id, b.sku, b.n
            FROM buyers b JOIN recommendations.placements p ON p.sku = b.sku CROSS JOIN unnest(p.category_ids) AS c(category_id)),
        ranked AS (
            SELECT category_id, sku, n, row_number() OVER (PARTITION BY category_id ORDER BY n DESC, sku) AS rank FROM placed)
        INSERT INTO recommendations.best_sellers (category_id, rank, sku, buyers)
        SELECT category_id, rank, sku, n::int FROM ranked WHERE rank <= {0}
        """;

    public async Task<RebuildReport> RebuildAsync(CancellationToken ct)
    {
        var o = options.Value;
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var since = started - TimeSpan.FromDays(o.WindowDays);
        // The statements read the whole window's history: minutes at a million orders, not the default 30 s.
        db.Database.SetCommandTimeout(LongWork);
        var before = await db.CoPurchases.AsNoTracking().Select(c => c.Sku).Union(db.Placements.Select(p => p.Sku)).ToListAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One rebuild at a time, across instances: a second one waits and then does its own.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('recommendations:rebuild'))", ct);
        var (orders, lines) = await CopyHistoryAsync(connection, since, ct);
        await PlaceAsync(connection, ct);
        await db.Database.ExecuteSqlRawAsync(ListScoring.CountsSql.Replace("{0}", o.MaxProductsPerCustomer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM recommendations.stale_products", ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM recommendations.best_sellers", ct);
        await db.Database.ExecuteSqlRawAsync(BestSellersSql, [o.TopK], ct);
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

    private async Task<(int Orders, int Lines)> CopyHistoryAsync(NpgsqlConnection connection, DateTimeOffset since, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("TRUNCATE recommendations.purchases", ct);
        var (orders, lines) = (0, 0);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY recommendations.purchases (order_id, sku, customer, placed_at) FROM STDIN (FORMAT BINARY)", ct);
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
        return (orders, lines);
    }

    /// <summary>Where every published product sits now, copied from the catalog in batches.</summary>
    private async Task PlaceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("TRUNCATE recommendations.placements", ct);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY recommendations.placements (sku, category_ids) FROM STDIN (FORMAT BINARY)", ct);
        Guid? after = null;
        while (true)
        {
            var batch = await catalog.BatchAsync(after, CatalogBatch, ct);
            foreach (var product in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(product.Sku, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(product.CategoryIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
            }
            if (batch.Count < CatalogBatch) break;
            after = batch[^1].ProductId;
        }
        await copy.CompleteAsync(ct);
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

    /// <summary>
    /// Every product's list as <see cref="ListComposer"/> makes it: the co-purchases streamed in
    /// product order (never all in memory), the small parts (placements, best-sellers, pins, blocks)
    /// read first.
    /// </summary>
    private async IAsyncEnumerable<(string, IReadOnlyList<RecommendedItem>)> ListsAsync(HashSet<string> seen,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var o = options.Value;
        var placements = await db.Placements.AsNoTracking().ToDictionaryAsync(p => p.Sku, p => p.CategoryIds, StringComparer.Ordinal, ct);
        var best = (await db.BestSellers.AsNoTracking().OrderBy(b => b.CategoryId).ThenBy(b => b.Rank).ToListAsync(ct))
            .GroupBy(b => b.CategoryId).ToDictionary(g => g.Key, g => (IReadOnlyList<BestSeller>)g.ToList());
        var pins = (await db.Pins.AsNoTracking().OrderBy(p => p.PinnedAt).ThenBy(p => p.OtherSku).ToListAsync(ct))
            .ToLookup(p => p.Sku, p => p.OtherSku, StringComparer.Ordinal);
        var blocks = (await db.Blocks.AsNoTracking().ToListAsync(ct))
            .SelectMany(b => new[] { (b.Sku, b.OtherSku), (Sku: b.OtherSku, OtherSku: b.Sku) })
            .ToLookup(b => b.Sku, b => b.OtherSku, StringComparer.Ordinal);
        IReadOnlyList<BestSeller> BestOf(int category) => best.GetValueOrDefault(category) ?? [];
        List<RecommendedItem> ListOf(string sku, IReadOnlyList<RecommendedItem> coPurchased) => ListComposer.Compose(sku,
            new ListParts(pins[sku].ToList(), coPurchased, blocks[sku].ToHashSet(StringComparer.Ordinal),
                ListComposer.OwnFirst(placements.GetValueOrDefault(sku))),
            BestOf, o);

        string? current = null;
        var items = new List<RecommendedItem>();
        await foreach (var c in db.CoPurchases.AsNoTracking().OrderBy(c => c.Sku).ThenBy(c => c.Rank).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (c.Sku != current)
            {
                if (current is not null) yield return (current, ListOf(current, items));
                (current, items) = (c.Sku, []);
                seen.Add(c.Sku);
            }
            items.Add(new RecommendedItem(c.OtherSku, c.Score, c.Together, c.Source, c.OtherCategoryId));
        }
        if (current is not null) yield return (current, ListOf(current, items));
        // Products nobody bought with another: pins and best-sellers only.
        foreach (var sku in placements.Keys.Concat(pins.Select(g => g.Key)).Where(seen.Add).ToList())
        {
            var list = ListOf(sku, []);
            if (list.Count > 0) yield return (sku, list);
            else seen.Remove(sku);
        }
    }

    private sealed record Totals(int Customers, int Products);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recommendations: the rebuilt lists could not all be written to Redis; it may answer with older lists until the next rebuild")]
    private partial void LogNotPublished(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations rebuilt from {Orders} orders ({Lines} lines, {Customers} customers): {Pairs} list entries in {Milliseconds} ms")]
    private partial void LogRebuilt(int orders, int lines, int customers, int pairs, long milliseconds);
}
