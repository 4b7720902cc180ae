using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Inventory;

public sealed class StockAlertsLimitTests(StoreFixture store) : IClassFixture<StoreFixture>
{
    private async Task<T> With<T>(Func<IStockAlerts, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<IStockAlerts>());
    }

    [Fact]
    public async Task One_account_waits_for_at_most_fifty_products_even_when_it_asks_for_sixty_at_once()
    {
        var prefix = $"ALERT-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var skus = Enumerable.Range(0, 60).Select(i => $"{prefix}-{i:00}").ToList();
        using (var scope = store.Services.CreateScope())
        {
            var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
            foreach (var sku in skus)
                Assert.True((await stock.StartSkuAsync(new SkuSeed(sku, 10m, "USD", 0), new StockChangeContext("test", "Initial stock"), default)).Succeeded);
        }
        var user = Guid.NewGuid().ToString();

        var outcomes = await Task.WhenAll(skus.Select(sku => Task.Run(() => With(a => a.AddAsync(sku, user, default)))));
        Assert.Equal(StockAlertLimits.MaxPerAccount, outcomes.Count(o => o == StockAlertOutcome.Added));
        Assert.Equal(60 - StockAlertLimits.MaxPerAccount, outcomes.Count(o => o == StockAlertOutcome.TooMany));
        Assert.Equal(StockAlertLimits.MaxPerAccount, (await With(a => a.ForUserAsync(user, default))).Count);

        // The same product twice at once is one alert; a made-up SKU none.
        var first = skus[outcomes.ToList().IndexOf(StockAlertOutcome.Added)];
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => With(a => a.AddAsync(first, user, default))))),
            o => Assert.Equal(StockAlertOutcome.AlreadyAdded, o));
        Assert.Equal(StockAlertOutcome.UnknownSku, await With(a => a.AddAsync("NO-SUCH-SKU", user, default)));
        Assert.Equal(StockAlertLimits.MaxPerAccount, await With(a => a.ForgetUserAsync(user, default)));
    }
}
