using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Storefront.Checkout.Contracts;
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

    private Task<string> OrderAsync(string email, params ShopFixture.TestProduct[] products) => Orders.PlaceAsync(store, email, products);

    private Task<IReadOnlyList<RecommendedItem>> ListAsync(string sku) =>
        With(async sp => (IReadOnlyList<RecommendedItem>)(await sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(sku, default)).Where(i => i.GoesWith).ToList());

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

        // Redis loses the list (a restart, a flush; the instance drops its own copies when its
        // connection comes back): read from PostgreSQL, and kept again.
        await redis.KeyDeleteAsync(key);
        store.Services.GetRequiredService<Storefront.Recommendations.Reading.ListCache>().ForgetAll();
        Assert.Equal([stove.Sku], (await ListAsync(tent.Sku)).Select(r => r.Sku));
        Assert.True(await redis.KeyExistsAsync(key));

        // A product with no list is remembered as empty for a while, not asked of PostgreSQL each time.
        var unknown = "NO-LIST-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Empty(await ListAsync(unknown));
        Assert.InRange((await redis.KeyTimeToLiveAsync("recommendations:also:" + unknown))!.Value, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        // Both orders cancelled: the next rebuild has no pair left, and Redis forgets it (the tent
        // keeps only its category's best-sellers).
        foreach (var number in orders)
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().CancelAsync(number, "admin", default))).Succeeded);
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        Assert.DoesNotContain("co-purchase", (string?)await redis.StringGetAsync(key), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(tent.Sku));
    }

    [Fact]
    public async Task A_list_written_by_another_instance_replaces_this_instances_copy_at_once()
    {
        var (camera, card, bag) = (await store.ProductAsync(50), await store.ProductAsync(50), await store.ProductAsync(50));
        foreach (var who in new[] { "ann", "bo" }) await OrderAsync($"{who}-{Guid.NewGuid():N}@example.test", camera, card);
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        Assert.Equal([card.Sku], (await ListAsync(camera.Sku)).Select(r => r.Sku));

        // This instance now answers from its own copy: a write to Redis that nobody announces is not seen.
        var redis = store.Services.GetRequiredService<IConnectionMultiplexer>();
        var key = "recommendations:also:" + camera.Sku;
        var stored = (string)(await redis.GetDatabase().StringGetAsync(key))!;
        await redis.GetDatabase().StringSetAsync(key, stored.Replace(card.Sku, bag.Sku, StringComparison.Ordinal));
        Assert.Equal([card.Sku], (await ListAsync(camera.Sku)).Select(r => r.Sku));

        // Another instance (its own cache on the same Redis) writes the list, as a merchant's pin
        // there would: this instance drops its copy when it hears the announcement.
        using var other = new Storefront.Recommendations.Reading.ListCache(redis,
            store.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Storefront.Recommendations.Reading.ListCache>>());
        var pinned = new RecommendedItem(bag.Sku, 1, 0, RecommendationSources.Pinned);
        await other.PutAsync(camera.Sku, [pinned]);
        for (var wait = 0; wait < 100 && (await ListAsync(camera.Sku)).All(r => r.Sku != bag.Sku); wait++) await Task.Delay(20);
        Assert.Equal([bag.Sku], (await ListAsync(camera.Sku)).Select(r => r.Sku));
    }

    [Fact]
    public async Task The_product_page_shows_what_customers_also_bought_in_stock_and_never_the_product_itself()
    {
        var (lamp, shade, bulb) = (await store.ProductAsync(50), await store.ProductAsync(50), await store.ProductAsync(2));
        foreach (var who in new[] { "dee", "eli" }) await OrderAsync($"{who}-{Guid.NewGuid():N}@example.test", lamp, shade, bulb);
        await OrderAsync($"fay-{Guid.NewGuid():N}@example.test", await store.ProductAsync(5)); // someone who bought none of them
        await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
        Assert.Equal(new[] { shade.Sku, bulb.Sku }.Order(), (await ListAsync(lamp.Sku)).Select(r => r.Sku).Order());
        await store.DrainOutboxAsync(); // the listing copy learns the bulbs are gone

        var page = await Html.ParseAsync(await store.Client().GetStringAsync($"/p/{lamp.Slug}"));
        var box = page.QuerySelector("section.also-bought");
        Assert.NotNull(box);
        Assert.Equal("Customers who bought this also bought", box.QuerySelector("h2")!.TextContent);
        var shown = box.QuerySelectorAll(".product-card a[href^='/p/']").Select(a => a.GetAttribute("href")).Distinct().ToList();
        Assert.Equal([$"/p/{shade.Slug}"], shown); // the sold-out bulb is not offered, nor the lamp itself

        // A product nobody bought with anything has no box at all.
        var alone = await store.ProductAsync(5);
        Assert.Null((await Html.ParseAsync(await store.Client().GetStringAsync($"/p/{alone.Slug}"))).QuerySelector("section.also-bought"));
    }
}
