using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Security;

public sealed class OrderRaceFixture : ShopFixture;

/// <summary>The merchant's order forms posted twice at once (a double click, two merchants), over HTTP.</summary>
public sealed partial class OrderRaceTests(OrderRaceFixture store) : IClassFixture<OrderRaceFixture>
{
    private async Task<(OrderView Order, ShopFixture.TestProduct Product)> OrderAsync(int onHand, int quantity)
    {
        var product = await store.ProductAsync(onHand);
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var cart = await carts.StartAsync(default);
        Assert.True((await carts.AddAsync(cart, product.Sku, quantity, default)).Succeeded);
        var result = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            $"race-{Guid.NewGuid():N}@example.test", new Address("Ray Race", "2 Oak St", null, "Albany", "NY", "12207", "US"), "standard",
            TestPaymentGateway.SuccessCard), default);
        Assert.True(result.Succeeded, English.Of(result.Problem));
        return ((await scope.ServiceProvider.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default))!, product);
    }

    private static Task<HttpResponseMessage[]> PostAtOnceAsync(HttpClient client, string url, Dictionary<string, string> form, int times) =>
        Task.WhenAll(Enumerable.Range(0, times).Select(_ => Task.Run(() => client.PostAsync(url, new FormUrlEncodedContent(form)))));

    [Fact]
    public async Task Cancel_posted_six_times_at_once_restocks_refunds_and_records_once()
    {
        var (order, product) = await OrderAsync(onHand: 131, quantity: 2);
        Assert.Equal(129, await store.AvailableAsync(product.Sku));
        var admin = await store.AdminClientAsync();
        var page = await admin.GetStringAsync($"/admin/orders/{order.Number}");
        var answers = await PostAtOnceAsync(admin, $"/admin/orders/{order.Number}?handler=Cancel",
            new() { ["__RequestVerificationToken"] = Html.AntiforgeryToken(page) }, 6);
        foreach (var failed in answers.Where(a => !a.IsSuccessStatusCode))
            Assert.Fail($"{(int)failed.StatusCode}: {(await failed.Content.ReadAsStringAsync())[..Math.Min(2000, (int)(failed.Content.Headers.ContentLength ?? 2000))]}");

        Assert.Equal(131, await store.AvailableAsync(product.Sku));
        var after = await admin.GetDocumentAsync($"/admin/orders/{order.Number}");
        Assert.Equal("Cancelled", after.QuerySelector("#order-status")!.TextContent);
        Assert.Equal(["Placed", "Paid", "Cancelled", "Refunded"], after.QuerySelectorAll(".timeline li strong").Select(e => e.TextContent));
    }

    [Fact]
    public async Task A_refund_form_posted_six_times_at_once_refunds_once()
    {
        var (order, _) = await OrderAsync(onHand: 20, quantity: 1);
        var admin = await store.AdminClientAsync();
        var page = await admin.GetStringAsync($"/admin/orders/{order.Number}");
        var requestId = RequestId().Match(page).Groups[1].Value;
        var answers = await PostAtOnceAsync(admin, $"/admin/orders/{order.Number}?handler=Refund", new()
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page), ["Refund.RequestId"] = requestId, ["Refund.Amount"] = "2.00",
        }, 6);
        foreach (var failed in answers.Where(a => !a.IsSuccessStatusCode))
            Assert.Fail($"{(int)failed.StatusCode}: {(await failed.Content.ReadAsStringAsync())[..Math.Min(2000, (int)(failed.Content.Headers.ContentLength ?? 2000))]}");

        var after = await admin.GetDocumentAsync($"/admin/orders/{order.Number}");
        Assert.Equal("Paid", after.QuerySelector("#order-status")!.TextContent);
        Assert.Contains("partially refunded", after.QuerySelector("#refund-state")!.TextContent, StringComparison.Ordinal);
        Assert.Single(after.QuerySelectorAll(".timeline li strong"), e => e.TextContent == "Partially refunded");
        var view = (await store.Services.CreateScope().ServiceProvider.GetRequiredService<IOrders>().GetAsync(order.Number, default))!;
        Assert.Equal(2.00m, view.Refunded.Amount);
    }

    [GeneratedRegex("name=\"Refund.RequestId\"[^>]* value=\"([0-9a-f-]{36})\"")]
    private static partial Regex RequestId();
}
