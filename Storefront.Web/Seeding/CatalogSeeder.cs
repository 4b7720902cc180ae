using System.Diagnostics;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Seeding;

/// <summary>Fills an empty store with the demo catalog (or a large one for benchmarks).</summary>
internal sealed class CatalogSeeder(
    ICatalogBulkLoader catalog,
    IStockBulkLoader stock,
    IOptions<StoreCurrencyOptions> store,
    TimeProvider clock,
    ILogger<CatalogSeeder> logger)
{
    /// <summary>Seeds only when the catalog has no categories; returns the number of products loaded.</summary>
    public async Task<long> SeedIfEmptyAsync(int products, CancellationToken cancellationToken)
    {
        if (!await catalog.IsEmptyAsync(cancellationToken))
        {
            logger.LogInformation("Catalog already has data; not seeding");
            return 0;
        }
        return await SeedAsync(products, products > 50_000 ? 2 : 12, cancellationToken);
    }

    private async Task<long> SeedAsync(int count, int maxReviews, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var ids = await catalog.LoadCategoriesAsync(DemoCatalog.Categories(), cancellationToken);
        var now = clock.GetUtcNow();
        const int batch = 50_000;
        long loaded = 0;
        foreach (var seeds in DemoCatalog.Products(ids, count, now, store.Value.Currency, maxReviews: maxReviews).Chunk(batch))
        {
            loaded += await catalog.LoadProductsAsync(seeds, cancellationToken);
            await stock.LoadAsync(seeds.Select(s => new SkuSeed(s.Sku, s.Price, s.Currency, s.OnHand)), cancellationToken);
            if (count > batch) logger.LogInformation("Loaded {Loaded:N0} of {Count:N0} products", loaded, count);
        }
        await catalog.AnalyzeAsync(cancellationToken);
        logger.LogInformation("Seeded {Count:N0} products in {Seconds:0.0} s", loaded, watch.Elapsed.TotalSeconds);
        return loaded;
    }
}
