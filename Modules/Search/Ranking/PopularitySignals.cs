using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Search.Contracts;
using Storefront.Search.Data;

namespace Storefront.Search.Ranking;

/// <summary>
/// Counts what makes a product popular: clicks on it from search results (once per visitor, product
/// and day) and units bought (from <see cref="OrderPlacedEvent"/>, once per order), per day. Each
/// count marks the product stale; <see cref="PopularityJob"/> recounts stale products over the window
/// and re-indexes them, so a burst of clicks costs one index write per product per run.
/// </summary>
internal sealed partial class PopularitySignals(
    SearchDbContext db,
    ICatalogQueries catalog,
    ShopperHistory history,
    IConnectionMultiplexer redis,
    IOptions<SearchOptions> options,
    TimeProvider clock,
    ILogger<PopularitySignals> logger) : ISearchSignals, IIntegrationEventHandler<OrderPlacedEvent>
{
    /// <summary>
    /// Marks the click once per visitor, product and day, unless the visitor has already counted
    /// their day's share of products: at most that many "once" keys and one counter per visitor a day.
    /// </summary>
    private const string CountOnce = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local clicked = redis.call('INCR', KEYS[2])
        if clicked == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
        if clicked > tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
        return 1
        """;

    public async Task ClickedAsync(string visitor, Guid productId, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var day = today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var counted = (int)await redis.GetDatabase().ScriptEvaluateAsync(CountOnce,
            [$"search:clicked:{day}:{visitor}:{productId:N}", $"search:clicks:{day}:{visitor}"],
            [options.Value.Ranking.ClicksPerVisitorPerDay, (int)TimeSpan.FromDays(1).TotalSeconds]);
        if (counted == 1) await CountAsync([(productId, 1, 0)], today, ct);
    }

    public Task<bool> HasHistoryAsync(string visitor, CancellationToken ct) => history.ExistsAsync(visitor);

    public Task ForgetAsync(string visitor, CancellationToken ct) => history.ForgetAsync(visitor);

    public Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string visitor, CancellationToken ct) => history.EntriesAsync(visitor);

    public async Task ViewedAsync(string visitor, string brand, string? categorySlug, CancellationToken ct)
    {
        try
        {
            await history.AddAsync(visitor, [(brand, categorySlug)], 1, ct);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A view is a ranking hint: with Redis away it is dropped and the product page still opens.
            LogViewDropped(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A product view was not added to the shopper's history: {Reason}")]
    private partial void LogViewDropped(string reason);

    public async Task HandleAsync(OrderPlacedEvent e, CancellationToken ct)
    {
        var products = await catalog.GetProductsBySkuAsync(e.Lines.Select(l => l.Sku).Distinct().ToList(), ct);
        var bought = e.Lines.Where(l => products.ContainsKey(l.Sku))
            .GroupBy(l => products[l.Sku].Id).Select(g => (ProductId: g.Key, Clicks: 0, Purchases: g.Sum(l => l.Quantity))).ToList();
        var day = DateOnly.FromDateTime(e.PlacedAt.UtcDateTime);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var first = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO search.counted_orders (order_id, counted_at) VALUES ({e.OrderId}, {clock.GetUtcNow()}) ON CONFLICT DO NOTHING", ct);
            if (first == 1)
            {
                await CountAsync(bought, day, ct);
                await tx.CommitAsync(ct);
            }
        }
        if (e.UserId is not null)
        {
            var sources = await history.CategoriesOfAsync(bought.Select(b => b.ProductId).ToList(), ct);
            await history.AddOnceAsync("order:" + e.OrderId.ToString("N"), "u:" + e.UserId,
                products.Values.Select(p => (p.Brand, sources.GetValueOrDefault(p.Id))).ToList(), ct);
        }
    }

    private async Task CountAsync(IReadOnlyList<(Guid ProductId, int Clicks, int Purchases)> counts, DateOnly day, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        var ids = counts.Select(c => c.ProductId).ToArray();
        var clicks = counts.Select(c => c.Clicks).ToArray();
        var purchases = counts.Select(c => c.Purchases).ToArray();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO search.product_activity (product_id, day, clicks, purchases)
            SELECT id, {day}, c, p FROM unnest({ids}, {clicks}, {purchases}) AS u(id, c, p)
            ON CONFLICT (product_id, day) DO UPDATE
            SET clicks = product_activity.clicks + excluded.clicks, purchases = product_activity.purchases + excluded.purchases;
            INSERT INTO search.product_popularity (product_id, clicks, purchases, stale)
            SELECT id, 0, 0, true FROM unnest({ids}) AS u(id)
            ON CONFLICT (product_id) DO UPDATE SET stale = true;
            """, ct);
    }

    /// <summary>Clicks and purchases over the window, as last recounted, for the products that have any.</summary>
    public async Task<IReadOnlyDictionary<Guid, (int Clicks, int Purchases)>> CountsAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0) return new Dictionary<Guid, (int, int)>();
        var ids = productIds.ToArray();
        return await db.Popularity.AsNoTracking().Where(p => ids.Contains(p.ProductId) && (p.Clicks > 0 || p.Purchases > 0))
            .ToDictionaryAsync(p => p.ProductId, p => (p.Clicks, p.Purchases), ct);
    }

    /// <summary>
    /// Forgets days that left the window, then recounts up to <paramref name="take"/> stale products;
    /// returns the ones recounted.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RecountAsync(int windowDays, int take, CancellationToken ct)
    {
        var from = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-(windowDays - 1));
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH expired AS (DELETE FROM search.product_activity WHERE day < {from} RETURNING product_id)
            INSERT INTO search.product_popularity (product_id, clicks, purchases, stale)
            SELECT DISTINCT product_id, 0, 0, true FROM expired
            ON CONFLICT (product_id) DO UPDATE SET stale = true
            """, ct);
        return await db.Database.SqlQuery<Guid>($"""
            WITH picked AS (
                SELECT product_id FROM search.product_popularity WHERE stale
                ORDER BY product_id LIMIT {take} FOR UPDATE SKIP LOCKED),
            sums AS (
                SELECT p.product_id, coalesce(sum(a.clicks), 0)::int AS clicks, coalesce(sum(a.purchases), 0)::int AS purchases
                FROM picked p LEFT JOIN search.product_activity a ON a.product_id = p.product_id AND a.day >= {from}
                GROUP BY p.product_id)
            UPDATE search.product_popularity t
            SET clicks = s.clicks, purchases = s.purchases, stale = false, computed_at = now()
            FROM sums s WHERE t.product_id = s.product_id
            RETURNING t.product_id AS "Value"
            """).ToListAsync(ct);
    }

    /// <summary>Marks products stale again (their re-index failed), so the next run retries them.</summary>
    public Task MarkStaleAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        var ids = productIds.ToArray();
        return db.Database.ExecuteSqlInterpolatedAsync($"UPDATE search.product_popularity SET stale = true WHERE product_id = ANY({ids})", ct);
    }
}

/// <summary>Hangfire job "search:popularity": recounts products whose clicks or purchases changed and re-indexes them.</summary>
public sealed class PopularityJob(IServiceScopeFactory scopes)
{
    public const string Id = "search:popularity";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var signals = scope.ServiceProvider.GetRequiredService<PopularitySignals>();
        var indexer = scope.ServiceProvider.GetRequiredService<SearchIndexer>();
        var window = scope.ServiceProvider.GetRequiredService<IOptions<SearchOptions>>().Value.Ranking.WindowDays;
        var total = 0;
        while (true)
        {
            var recounted = await signals.RecountAsync(window, 2000, cancellationToken);
            if (recounted.Count == 0) return total;
            try
            {
                await indexer.ReindexProductsAsync(recounted, cancellationToken);
            }
            catch
            {
                await signals.MarkStaleAsync(recounted, CancellationToken.None);
                throw;
            }
            total += recounted.Count;
        }
    }
}
