using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.Catalog.Contracts;
using Storefront.Search.Contracts;

namespace Storefront.Search.Ranking;

/// <summary>
/// Per shopper, how often they looked at or bought each brand and (leaf) category, in one Redis
/// hash per visitor that expires after <see cref="RankingOptions.HistoryDays"/> without activity.
/// Their favourites become ranking boosts, each weighted by its share of the favourite's count.
/// </summary>
internal sealed partial class ShopperHistory(IConnectionMultiplexer redis, ICatalogSearchFeed feed, IOptions<SearchOptions> options, ILogger<ShopperHistory> logger)
{
    private RankingOptions Ranking => options.Value.Ranking;

    private static RedisKey Key(string visitor) => "search:history:" + visitor;

    public async Task AddAsync(string visitor, IReadOnlyList<(string Brand, string? Category)> seen, int times, CancellationToken ct)
    {
        if (seen.Count == 0) return;
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>();
        foreach (var (brand, category) in seen)
        {
            if (brand.Length > 0) writes.Add(batch.HashIncrementAsync(Key(visitor), "b:" + brand, times));
            if (!string.IsNullOrEmpty(category)) writes.Add(batch.HashIncrementAsync(Key(visitor), "c:" + category, times));
        }
        writes.Add(batch.KeyExpireAsync(Key(visitor), TimeSpan.FromDays(Ranking.HistoryDays)));
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>Adds a purchase to the history once, however often its event arrives.</summary>
    public async Task AddOnceAsync(string occasion, string visitor, IReadOnlyList<(string Brand, string? Category)> bought, CancellationToken ct)
    {
        if (!await redis.GetDatabase().StringSetAsync("search:history-added:" + occasion, "1", TimeSpan.FromDays(7), When.NotExists)) return;
        await AddAsync(visitor, bought, Ranking.HistoryPurchaseViews, ct);
    }

    /// <summary>The most specific category of each product.</summary>
    public async Task<IReadOnlyDictionary<Guid, string?>> CategoriesOfAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0) return new Dictionary<Guid, string?>();
        var sources = await feed.CurrentAsync(productIds, [], ct);
        return sources.ToDictionary(s => s.ProductId, s => s.CategorySlugs.Count > 0 ? s.CategorySlugs[^1] : null);
    }

    public Task ForgetAsync(string visitor) => redis.GetDatabase().KeyDeleteAsync(Key(visitor));

    public async Task<IReadOnlyList<HistoryEntry>> EntriesAsync(string visitor) =>
        (await redis.GetDatabase().HashGetAllAsync(Key(visitor)))
            .Select(e => ((string)e.Name!, (long)e.Value))
            .Where(e => e.Item1.Length > 2 && e.Item1[1] == ':' && e.Item1[0] is 'b' or 'c')
            .Select(e => new HistoryEntry(e.Item1[0] == 'b' ? "brand" : "category", e.Item1[2..], e.Item2))
            .OrderByDescending(e => e.Weight).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

    public async Task<bool> ExistsAsync(string visitor)
    {
        if (Ranking.HistoryBrandWeight <= 0 && Ranking.HistoryCategoryWeight <= 0) return false;
        try
        {
            return await redis.GetDatabase().KeyExistsAsync(Key(visitor));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogHistoryUnavailable(ex.Message);
            return false;
        }
    }

    public async Task<IReadOnlyList<RankingBoost>> BoostsAsync(string? visitor, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(visitor) || (Ranking.HistoryBrandWeight <= 0 && Ranking.HistoryCategoryWeight <= 0)) return [];
        HashEntry[] entries;
        try
        {
            entries = await redis.GetDatabase().HashGetAllAsync(Key(visitor));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Without Redis the shopper searches without their history's boosts, never without results.
            LogHistoryUnavailable(ex.Message);
            return [];
        }
        if (entries.Length == 0) return [];
        var boosts = new List<RankingBoost>();
        void Favourites(string prefix, BoostField field, double weight)
        {
            var top = entries.Where(e => ((string)e.Name!).StartsWith(prefix, StringComparison.Ordinal))
                .Select(e => (Value: ((string)e.Name!)[prefix.Length..], Count: (double)e.Value))
                .OrderByDescending(e => e.Count).ThenBy(e => e.Value, StringComparer.Ordinal).Take(Ranking.HistoryTop).ToList();
            if (top.Count == 0 || weight <= 0) return;
            var most = top[0].Count;
            boosts.AddRange(top.Select(e => new RankingBoost(field, e.Value, weight * e.Count / most)));
        }
        Favourites("b:", BoostField.Brand, Ranking.HistoryBrandWeight);
        Favourites("c:", BoostField.Category, Ranking.HistoryCategoryWeight);
        return boosts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shopper's search history could not be read; searching without it: {Reason}")]
    private partial void LogHistoryUnavailable(string reason);
}
