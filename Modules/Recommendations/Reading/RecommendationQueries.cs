using Microsoft.EntityFrameworkCore;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Reading;

internal sealed class RecommendationQueries(RecommendationsDbContext db) : IRecommendations
{
    public async Task<IReadOnlyList<RecommendedItem>> AlsoBoughtAsync(string sku, CancellationToken ct) =>
        await db.CoPurchases.AsNoTracking().Where(c => c.Sku == sku).OrderBy(c => c.Rank)
            .Select(c => new RecommendedItem(c.OtherSku, c.Score, c.Together, c.Source)).ToListAsync(ct);
}
