using Microsoft.EntityFrameworkCore;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Reading;

/// <summary>Lists from Redis, or from PostgreSQL (and then kept in Redis) when Redis does not have them.</summary>
internal sealed class RecommendationQueries(RecommendationsDbContext db, ListCache cache) : IRecommendations
{
    public async Task<IReadOnlyList<RecommendedItem>> AlsoBoughtAsync(string sku, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(sku) || sku.Length > 64) return [];
        if (await cache.GetAsync(sku) is { } cached) return cached;
        var list = await FromDatabaseAsync(db, sku, ct);
        await cache.PutAsync(sku, list);
        return list;
    }

    internal static async Task<IReadOnlyList<RecommendedItem>> FromDatabaseAsync(RecommendationsDbContext db, string sku, CancellationToken ct) =>
        await db.CoPurchases.AsNoTracking().Where(c => c.Sku == sku).OrderBy(c => c.Rank)
            .Select(c => new RecommendedItem(c.OtherSku, c.Score, c.Together, c.Source)).ToListAsync(ct);
}
