using Microsoft.Extensions.DependencyInjection;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

public sealed class RecommendationsFixture : ShopFixture;

/// <summary>
/// The full rebuild on a fixed history of real orders (placed through the checkout, one cancelled),
/// with the lists and their scores worked out by hand from the same log-likelihood ratio.
/// </summary>
public sealed class CoPurchaseRebuildTests(RecommendationsFixture store) : IClassFixture<RecommendationsFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<string> OrderAsync(string email, params ShopFixture.TestProduct[] products) => Orders.PlaceAsync(store, email, products);

    /// <summary>Dunning's log-likelihood ratio of a 2×2 table, written out here to check the database's.</summary>
    private static double Llr(double k11, double k12, double k21, double k22)
    {
        static double XLogX(double x) => x <= 0 ? 0 : x * Math.Log(x);
        var n = k11 + k12 + k21 + k22;
        var rows = XLogX(n) - XLogX(k11 + k12) - XLogX(k21 + k22);
        var columns = XLogX(n) - XLogX(k11 + k21) - XLogX(k12 + k22);
        var matrix = XLogX(n) - XLogX(k11) - XLogX(k12) - XLogX(k21) - XLogX(k22);
        return Math.Max(0, 2 * (rows + columns - matrix));
    }

    [Fact]
    public async Task Lists_score_pairs_against_chance_count_customers_once_and_leave_out_cancelled_orders()
    {
        var camera = await store.ProductAsync(100);
        var card = await store.ProductAsync(100);
        var bag = await store.ProductAsync(100);
        var laptop = await store.ProductAsync(100);
        var mouse = await store.ProductAsync(100);
        var tent = await store.ProductAsync(100);
        var sleepingBag = await store.ProductAsync(100);
        var charger = await store.ProductAsync(100);
        var run = Guid.NewGuid().ToString("N")[..8];
        string Shopper(int i) => $"shopper{i}-{run}@example.test";

        for (var i = 1; i <= 4; i++) await OrderAsync(Shopper(i), camera, card, charger);
        for (var i = 5; i <= 6; i++) await OrderAsync(Shopper(i), camera, bag, charger);
        for (var i = 7; i <= 9; i++) await OrderAsync(Shopper(i), laptop, mouse, charger);
        for (var i = 10; i <= 11; i++) await OrderAsync(Shopper(i), tent, sleepingBag, charger);
        for (var i = 12; i <= 15; i++) await OrderAsync(Shopper(i), charger);
        // One customer, the camera and the card together in two orders and the card again alone: one
        // co-purchase, not two, and one buyer of each.
        await OrderAsync(Shopper(16), camera, card);
        await OrderAsync(Shopper(16), camera, card);
        await OrderAsync(Shopper(16).ToUpperInvariant(), card); // the same guest, whatever the case of the address
        // Two of the charger-only customers come back for a bag, and later for a mouse: each bought
        // both, but never together, so the two are no pair.
        foreach (var i in new[] { 12, 13 })
        {
            await OrderAsync(Shopper(i), bag);
            await OrderAsync(Shopper(i), mouse);
        }
        // Two customers bought a laptop with a tent, and both orders were cancelled: it never happened.
        foreach (var i in new[] { 17, 18 })
        {
            var number = await OrderAsync(Shopper(i), laptop, tent);
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().CancelAsync(number, "admin", default))).Succeeded);
        }

        // Two more bought a laptop with a tent and were refunded in full after it shipped: gone too.
        foreach (var i in new[] { 20, 21 })
        {
            var number = await OrderAsync(Shopper(i), laptop, tent);
            var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(number, default)))!;
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().MoveAsync(number, "Packed", null, null, "admin", default))).Succeeded);
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().RefundAsync(number, Guid.NewGuid(), order.Total.Amount, "admin", default))).Succeeded);
        }
        // A lens one customer bought with a camera: below the minimum support of two customers.
        var lens = await store.ProductAsync(100);
        await OrderAsync(Shopper(19), camera, lens);

        var report = await With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));

        // 17 customers (the cancelled two are nobody), 23 standing orders, 48 lines.
        Assert.Equal((17, 23, 48), (report.Customers, report.Orders, report.Lines));
        Task<IReadOnlyList<RecommendedItem>> ListAsync(ShopFixture.TestProduct p) =>
        With(async sp => (IReadOnlyList<RecommendedItem>)(await sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(p.Sku, default)).Where(i => i.GoesWith).ToList());

        // Camera (8 buyers): the card (5 buyers, all with a camera) first, then the bag (2 of its 4
        // buyers, just above chance). The charger, bought by 15 of the 17 and by 6 of the 8 camera
        // buyers, is below chance: it comes after them, as a popular product also bought with it.
        // The lens is below the minimum support.
        var cameraList = await ListAsync(camera);
        Assert.Equal([card.Sku, bag.Sku, charger.Sku], cameraList.Select(r => r.Sku));
        Assert.Equal((5, 2, 6), (cameraList[0].Together, cameraList[1].Together, cameraList[2].Together));
        Assert.Equal(Llr(5, 3, 0, 9), cameraList[0].Score, 9);
        Assert.Equal(Llr(2, 6, 2, 7), cameraList[1].Score, 9);
        Assert.Equal([RecommendationSources.CoPurchase, RecommendationSources.CoPurchase, RecommendationSources.AlsoBought], cameraList.Select(r => r.Source));
        Assert.Empty(await ListAsync(lens));

        // Laptop: the mouse, far ahead of the charger (all 3 laptop buyers have one, as do 15 of 17
        // customers: barely above chance). The cancelled tents are nowhere.
        var laptopList = await ListAsync(laptop);
        Assert.Equal([mouse.Sku, charger.Sku], laptopList.Select(r => r.Sku));
        Assert.Equal(Llr(3, 0, 2, 12), laptopList[0].Score, 9);
        Assert.Equal(Llr(3, 0, 12, 2), laptopList[1].Score, 9);
        Assert.True(laptopList[0].Score > 10 * laptopList[1].Score);
        Assert.DoesNotContain(mouse.Sku, (await ListAsync(bag)).Select(r => r.Sku)); // bought by the same two, in separate orders
        Assert.DoesNotContain(bag.Sku, (await ListAsync(mouse)).Select(r => r.Sku));

        Assert.Equal([sleepingBag.Sku, charger.Sku], (await ListAsync(tent)).Select(r => r.Sku));
        // 4 of the card's 5 buyers have a charger: below chance, so after the camera.
        Assert.Equal([(camera.Sku, RecommendationSources.CoPurchase), (charger.Sku, RecommendationSources.AlsoBought)],
            (await ListAsync(card)).Select(r => (r.Sku, r.Source)));

        // The best-seller bought with everything tops no list, and no product recommends itself.
        foreach (var product in new[] { camera, card, bag, laptop, mouse, tent, sleepingBag })
        {
            var list = await ListAsync(product);
            Assert.NotEmpty(list);
            Assert.NotEqual(charger.Sku, list[0].Sku);
            Assert.DoesNotContain(list, r => r.Sku == product.Sku);
        }
    }
}
