using Microsoft.Extensions.Options;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Reading;

/// <summary>Lists from Redis, or from PostgreSQL (and then kept in Redis) when Redis does not have them.</summary>
internal sealed class RecommendationQueries(RecommendationsDbContext db, ListCache cache, IOptions<RecommendationsOptions> options) : IRecommendations
{
    /// <summary>The most products a basket's lists are read for.</summary>
    public const int BasketProducts = 20;

    public async Task<IReadOnlyList<RecommendedItem>> AlsoBoughtAsync(string sku, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(sku) || sku.Length > 64) return [];
        if (await cache.GetAsync(sku) is { } cached) return cached;
        var list = await ListComposer.FromDatabaseAsync(db, sku, options.Value, ct);
        await cache.PutIfMissingAsync(sku, list);
        return list;
    }

    /// <remarks>
    /// The lists are merged by reciprocal rank: a product scores 1/rank in each list it is in, so one
    /// near the top of several lists comes first, whatever each list's own scale. It keeps the source
    /// of its best place. Best-sellers filling in count half as much as products really bought with a line.
    /// </remarks>
    public async Task<IReadOnlyList<RecommendedItem>> ForBasketAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var basket = skus.Where(s => !string.IsNullOrEmpty(s)).ToHashSet(StringComparer.Ordinal);
        var merged = new Dictionary<string, (RecommendedItem Best, int BestRank, double Score)>(StringComparer.Ordinal);
        foreach (var sku in basket.Take(BasketProducts))
        {
            var list = await AlsoBoughtAsync(sku, ct);
            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                if (basket.Contains(item.Sku)) continue;
                var weight = (item.GoesWith ? 1.0 : 0.5) / (i + 1);
                merged[item.Sku] = merged.TryGetValue(item.Sku, out var seen)
                    ? (i < seen.BestRank ? item : seen.Best, Math.Min(i, seen.BestRank), seen.Score + weight)
                    : (item, i, weight);
            }
        }
        return merged.Values.OrderByDescending(m => m.Score).ThenBy(m => m.Best.Sku, StringComparer.Ordinal)
            .Take(options.Value.TopK).Select(m => m.Best).ToList();
    }
}
