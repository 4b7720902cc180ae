using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

public sealed class ListCacheFixture : ShopFixture;

/// <summary>The lists in Redis for instant reads, PostgreSQL the durable copy: Redis lost is refilled from it.</summary>
public sealed class ListCacheTests(ListCacheFixture store) : IClassFixture<ListCacheFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<string> OrderAsync(string email, params ShopFixture.TestProduct[] products)
    {
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        foreach (var product in products) await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, 1, default));
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            email, new Address("Sam Shopper", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default));
        Assert.True(result.Succeeded, English.Of(result.Problem));
        return result.OrderNumber!;
    }

    private Task<IReadOnlyList<RecommendedItem>> ListAsync(string sku) => With(sp => sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(sku, default));

    [Fact]
    public async Task A_rebuild_writes_the_lists_to_redis_a_lost_list_is_read_back_from_postgresql_and_a_list_that_ends_is_removed()
    {
        var redis = store.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var (tent, stove, lamp) = (await store.ProductAsync(50), await store.ProductAsync(50), await store.ProductAsync(50));
        var orders = new List<string>();
        foreach (var who in new[] { "ann", "bo" }) orders.Add(await OrderAsync($"{who}-{Guid.NewGuid():N}@example.test", tent, stove));
        await OrderAsync($"cy-{Guid.NewGuid():N}@example.test", lamp);
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));

        var key = "recommendations:also:" + tent.Sku;
        Assert.Contains(stove.Sku, (string?)await redis.StringGetAsync(key), StringComparison.Ordinal);
        Assert.Equal([stove.Sku], (await ListAsync(tent.Sku)).Select(r => r.Sku));

        // Redis loses the list (a restart, a flush): read from PostgreSQL, and kept again.
        await redis.KeyDeleteAsync(key);
        Assert.Equal([stove.Sku], (await ListAsync(tent.Sku)).Select(r => r.Sku));
        Assert.True(await redis.KeyExistsAsync(key));

        // A product with no list is remembered as empty for a while, not asked of PostgreSQL each time.
        Assert.Empty(await ListAsync(lamp.Sku));
        Assert.InRange((await redis.KeyTimeToLiveAsync("recommendations:also:" + lamp.Sku))!.Value, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        // Both orders cancelled: the next rebuild has no pair left, and Redis forgets the list.
        foreach (var number in orders)
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().CancelAsync(number, "admin", default))).Succeeded);
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        Assert.False(await redis.KeyExistsAsync(key));
        Assert.Empty(await ListAsync(tent.Sku));
    }
}
