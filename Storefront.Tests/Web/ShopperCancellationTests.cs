using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Web;

public sealed class ShopperCancellationFixture : ShopFixture;

/// <summary>A shopper cancels their own order until it is packed, from the order page, and never against the merchant's packing.</summary>
public sealed class ShopperCancellationTests(ShopperCancellationFixture store) : IClassFixture<ShopperCancellationFixture>
{
    private static readonly Address Home = new("Cal Cancel", "4 Undo Street", null, "Austin", "TX", "73301", "US");

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A guest's paid order of two units, and the product.</summary>
    private async Task<(OrderView Order, ShopFixture.TestProduct Product)> OrderAsync(string email)
    {
        var product = await store.ProductAsync(onHand: 40);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, 2, default))).Succeeded);
        var placed = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(
            new CheckoutRequest(Guid.NewGuid(), cart, null, email, Home, "standard", TestPaymentGateway.SuccessCard), default));
        Assert.Equal(CheckoutOutcome.Completed, placed.Outcome);
        return ((await ViewAsync(placed.OrderNumber!))!, product);
    }

    private Task<OrderView?> ViewAsync(string number) => With(sp => sp.GetRequiredService<IOrders>().GetAsync(number, default));

    private string PageOf(OrderView order) =>
        $"/orders/{order.Number}?key={Uri.EscapeDataString(store.Services.GetRequiredService<OrderAccess>().KeyFor(order))}";

    private static async Task<HttpResponseMessage> CancelAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var doc = await Html.ParseAsync(html);
        var action = doc.QuerySelector("form.cancel-order")?.GetAttribute("action")
            ?? page.Replace("?", "?handler=Cancel&", StringComparison.Ordinal);
        return await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(html),
        }));
    }

    [Fact]
    public async Task A_guest_cancels_from_the_order_page_is_refunded_in_full_and_the_stock_comes_back()
    {
        var (order, product) = await OrderAsync("cal@example.test");
        Assert.Equal(38, await store.AvailableAsync(product.Sku));
        var client = store.Client();
        var before = await client.GetDocumentAsync(PageOf(order));
        Assert.Contains("the full amount goes back to your card", before.QuerySelector("form.cancel-order")!.TextContent, StringComparison.Ordinal);

        // A visitor without the order's key gets what a missing order gets, and nothing changes.
        var stranger = await store.Client().PostAsync($"/orders/{order.Number}?handler=Cancel", new FormUrlEncodedContent([]));
        Assert.NotEqual(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Equal("Paid", (await ViewAsync(order.Number))!.Status);

        var cancelled = await CancelAsync(client, PageOf(order));
        Assert.Equal($"/orders/{order.Number}", cancelled.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(await cancelled.Content.ReadAsStringAsync());
        Assert.Equal($"Your order {order.Number} is cancelled. {order.Total} goes back to your card; your bank may take a few days to show it.",
            page.QuerySelector("[role=status]")!.TextContent);
        Assert.StartsWith("Cancelled", page.QuerySelector("#order-status")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("form.cancel-order"));

        var after = (await ViewAsync(order.Number))!;
        Assert.Equal(("Cancelled", order.Total), (after.Status, after.Refunded));
        Assert.Equal("customer", (await With(sp => sp.GetRequiredService<IOrderAdmin>().GetAsync(order.Number, default)))!.Timeline
            .Single(t => t.Status == "Cancelled").Actor);
        Assert.Equal(40, await store.AvailableAsync(product.Sku));

        // Pressed again (another tab): told so, nothing more is refunded.
        var again = await CancelAsync(client, PageOf(after));
        Assert.Contains("already", (await Html.ParseAsync(await again.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(order.Total, (await ViewAsync(order.Number))!.Refunded);
    }

    [Fact]
    public async Task Once_the_merchant_packs_the_order_the_shopper_can_no_longer_cancel_it_and_is_told_why()
    {
        var (order, product) = await OrderAsync("packed@example.test");
        Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().MoveAsync(order.Number, "Packed", null, null, "admin", default))).Succeeded);
        var client = store.Client();
        Assert.Null((await client.GetDocumentAsync(PageOf(order))).QuerySelector("form.cancel-order"));

        var late = await CancelAsync(client, PageOf(order));
        Assert.Equal("This order is packed already, so it can no longer be cancelled here. Contact the store; what has shipped comes back as a return.",
            (await Html.ParseAsync(await late.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")!.TextContent);
        var after = (await ViewAsync(order.Number))!;
        Assert.Equal(("Packed", 0m), (after.Status, after.Refunded.Amount));
        Assert.Equal(38, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_shopper_cancelling_while_the_merchant_packs_ends_one_way_or_the_other_never_both()
    {
        for (var round = 0; round < 4; round++)
        {
            var (order, product) = await OrderAsync($"race{round}@example.test");
            var cancel = Task.Run(() => With(sp => sp.GetRequiredService<IOrders>().CancelByShopperAsync(order.Number, "customer", default)));
            var pack = Task.Run(() => With(sp => sp.GetRequiredService<IOrderAdmin>().MoveAsync(order.Number, "Packed", null, null, "admin", default)));
            var (cancelled, packed) = (await cancel, await pack);

            Assert.True(cancelled.Succeeded ^ packed.Succeeded, $"cancel: {English.Of(cancelled.Outcome)}; pack: {English.Of(packed.Outcome)}");
            var after = (await ViewAsync(order.Number))!;
            if (cancelled.Succeeded)
            {
                Assert.Equal(("Cancelled", order.Total), (after.Status, after.Refunded));
                Assert.Equal(40, await store.AvailableAsync(product.Sku));
            }
            else
            {
                Assert.Equal(("Packed", 0m), (after.Status, after.Refunded.Amount));
                Assert.Equal(38, await store.AvailableAsync(product.Sku));
            }
        }
    }
}
