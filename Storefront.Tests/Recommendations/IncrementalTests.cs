using Microsoft.Extensions.DependencyInjection;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Building;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

public sealed class IncrementalFixture : ShopFixture;

/// <summary>Between nightly rebuilds, each order's products get their lists computed again, and only theirs.</summary>
public sealed class IncrementalTests(IncrementalFixture store) : IClassFixture<IncrementalFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<string> OrderAsync(string email, params ShopFixture.TestProduct[] products) => Orders.PlaceAsync(store, email, products);

    private Task<IReadOnlyList<RecommendedItem>> ListAsync(ShopFixture.TestProduct p) =>
        With(async sp => (IReadOnlyList<RecommendedItem>)(await sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(p.Sku, default)).Where(i => i.GoesWith).ToList());

    private Task<IReadOnlyList<RecommendedItem>> FullListAsync(string sku) => With(sp => sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(sku, default));

    private async Task<int> RefreshAsync()
    {
        await store.DrainOutboxAsync(); // the purchase feed takes the order events
        return await With(sp => sp.GetRequiredService<ListRefresh>().RefreshAsync(default));
    }

    [Fact]
    public async Task One_order_changes_the_lists_of_its_products_and_no_other_and_a_cancelled_order_is_taken_back()
    {
        var (kettle, teapot, mug, scale, weights, lens) = (await store.ProductAsync(50), await store.ProductAsync(50), await store.ProductAsync(50),
            await store.ProductAsync(50), await store.ProductAsync(50), await store.ProductAsync(50));
        string Shopper(string who) => $"{who}-{Guid.NewGuid():N}@example.test";
        var first = Shopper("first");
        foreach (var who in new[] { "a", "b" }) await OrderAsync(Shopper(who), kettle, teapot);
        foreach (var who in new[] { "c", "d" }) await OrderAsync(Shopper(who), scale, weights);
        await OrderAsync(first, kettle, mug); // one customer: below the minimum support
        await OrderAsync(Shopper("e"), lens);
        await store.DrainOutboxAsync();
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        Assert.Equal(0, await RefreshAsync()); // the rebuild saw every order: nothing stale
        Assert.Equal([teapot.Sku], (await ListAsync(kettle)).Select(r => r.Sku));
        Assert.Empty(await ListAsync(mug));
        var before = new Dictionary<string, IReadOnlyList<RecommendedItem>>
        {
            [teapot.Sku] = await FullListAsync(teapot.Sku), [scale.Sku] = await FullListAsync(scale.Sku), [weights.Sku] = await FullListAsync(weights.Sku),
        };

        // A second customer buys a kettle with a mug: the pair reaches the minimum support the same day.
        var second = await OrderAsync(Shopper("second"), kettle, mug);
        Assert.Equal(2, await RefreshAsync()); // the kettle's and the mug's lists, and no other
        Assert.Equal(0, await RefreshAsync()); // done once: nothing is left marked
        Assert.Equal([teapot.Sku, mug.Sku], (await ListAsync(kettle)).Select(r => r.Sku));
        Assert.Equal([kettle.Sku], (await ListAsync(mug)).Select(r => r.Sku));
        foreach (var (sku, list) in before)
            Assert.Equal(list, await FullListAsync(sku)); // best-sellers filling in included

        // The order is cancelled: the pair is below the minimum support again.
        Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().CancelAsync(second, "admin", default))).Succeeded);
        Assert.Equal(2, await RefreshAsync());
        Assert.Equal([teapot.Sku], (await ListAsync(kettle)).Select(r => r.Sku));
        Assert.Empty(await ListAsync(mug));

        // A new customer's order with a kettle and a teapot: the refresh, which keeps its counts from
        // the orders as they come, scores the kettle's list exactly as a full rebuild then does.
        await OrderAsync(Shopper("third"), kettle, teapot);
        await RefreshAsync();
        var refreshed = await ListAsync(kettle);
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        var rebuilt = await ListAsync(kettle);
        Assert.Equal(rebuilt.Select(r => (r.Sku, r.Together, Math.Round(r.Score, 9))), refreshed.Select(r => (r.Sku, r.Together, Math.Round(r.Score, 9))));
        Assert.Equal(3, refreshed[0].Together);
    }
}
