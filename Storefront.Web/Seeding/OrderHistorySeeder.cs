using System.Diagnostics;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Contracts;

namespace Storefront.Web.Seeding;

/// <summary>
/// Gives an empty store a generated order history (<see cref="DemoOrders"/>) and computes the
/// recommendations from it, so they are there on the first page view.
/// </summary>
internal sealed class OrderHistorySeeder(
    IOrderBulkLoader orders,
    ICatalogSearchFeed catalog,
    IRecommendationsAdmin recommendations,
    TimeProvider clock,
    ILogger<OrderHistorySeeder> logger)
{
    /// <summary>The most products the history is made from (the first, by id).</summary>
    public const int MaxProducts = 100_000;

    /// <summary>Seeds only when the store has no orders; returns the number of orders loaded.</summary>
    public async Task<long> SeedIfEmptyAsync(int count, CancellationToken ct)
    {
        if (count <= 0) return 0;
        if (!await orders.IsEmptyAsync(ct))
        {
            logger.LogInformation("The store already has orders; no order history generated");
            return 0;
        }
        var watch = Stopwatch.StartNew();
        var products = new List<DemoProduct>();
        Guid? after = null;
        while (products.Count < MaxProducts)
        {
            var batch = await catalog.BatchAsync(after, 5000, ct);
            products.AddRange(batch.Where(p => p.CategoryNames.Count > 0)
                .Select(p => new DemoProduct(p.Sku, p.Title, p.Price, p.Currency, p.CategoryNames[^1])));
            if (batch.Count < 5000) break;
            after = batch[^1].ProductId;
        }
        var loaded = await orders.LoadAsync(DemoOrders.Generate(products, count, clock.GetUtcNow()), ct);
        logger.LogInformation("Generated an order history of {Count:N0} orders over {Products:N0} products in {Seconds:0.0} s",
            loaded, products.Count, watch.Elapsed.TotalSeconds);
        var report = await recommendations.RebuildAsync(ct);
        logger.LogInformation("Recommendations computed from it in {Seconds:0.0} s: {Pairs:N0} list entries", report.Took.TotalSeconds, report.PairsKept);
        return loaded;
    }
}
