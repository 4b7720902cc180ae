using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Security;

public sealed class OrderLinkFixture : ShopFixture;

/// <summary>Guest orders cannot be found by counting, and their links expire and can be revoked.</summary>
public sealed partial class OrderLinkTests(OrderLinkFixture store) : IClassFixture<OrderLinkFixture>
{
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> form, string tokenFrom)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(tokenFrom);
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>A guest buys one item and lands on the order page with its key; returns the page's address.</summary>
    private async Task<(HttpClient Client, Uri OrderPage, string Html)> GuestOrderAsync(string email)
    {
        var product = await store.ProductAsync(10);
        var client = store.Client();
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        await PostAsync(client, "/cart?handler=Add", new() { ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}" }, page);
        var delivery = await client.GetStringAsync("/checkout");
        var review = await PostAsync(client, "/checkout", new()
        {
            ["Form.Email"] = email, ["Form.Name"] = "Gil Guest", ["Form.Line1"] = "5 Harbour Road", ["Form.City"] = "Austin",
            ["Form.Region"] = "TX", ["Form.PostalCode"] = "73301", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
        }, delivery);
        var reviewHtml = await review.Content.ReadAsStringAsync();
        var form = (await Html.ParseAsync(reviewHtml)).QuerySelectorAll("form.payment input[type=hidden]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        form["Card"] = "4242 4242 4242 4242";
        var placed = await PostAsync(client, "/checkout/review", form, reviewHtml);
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        return (client, placed.RequestMessage!.RequestUri!, await placed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Order_numbers_are_random_and_cannot_be_found_by_counting()
    {
        var (_, first, _) = await GuestOrderAsync("count-1@example.test");
        var (_, second, _) = await GuestOrderAsync("count-2@example.test");
        var numbers = new[] { first, second }.Select(u => u.AbsolutePath.Split('/').Last()).ToList();
        Assert.All(numbers, n => Assert.Matches("^SF-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", n));
        Assert.NotEqual(numbers[0][..7], numbers[1][..7]);
    }

    [Fact]
    public async Task A_revoked_order_link_stops_working_and_tracking_gives_a_new_one()
    {
        var email = $"revoke-{Guid.NewGuid():N}@example.test";
        var (client, orderPage, html) = await GuestOrderAsync(email);
        var number = orderPage.AbsolutePath.Split('/').Last();
        var stranger = store.Client();
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync(orderPage.PathAndQuery)).StatusCode);

        var revoked = await PostAsync(client, $"/orders/{number}?handler=RevokeLinks&key={Uri.EscapeDataString(Key(orderPage))}", [], html);
        Assert.Equal("/orders/track", revoked.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(orderPage.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(orderPage.PathAndQuery)).StatusCode);

        var trackPage = await client.GetStringAsync("/orders/track");
        var tracked = await PostAsync(client, "/orders/track", new() { ["Number"] = number, ["Email"] = email }, trackPage);
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        Assert.Equal($"/orders/{number}", tracked.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.NotEqual(Key(orderPage), Key(tracked.RequestMessage.RequestUri));
    }

    [Fact]
    public async Task An_order_link_expires()
    {
        var email = $"expiry-{Guid.NewGuid():N}@example.test";
        var (_, orderPage, _) = await GuestOrderAsync(email);
        var number = orderPage.AbsolutePath.Split('/').Last();
        var order = (await store.Services.CreateScope().ServiceProvider.GetRequiredService<IOrders>().GetAsync(number, default))!;
        // A key made 31 days ago (the lifetime is 30 days) is refused; one made now is not.
        var monthAgo = new FixedClock(DateTimeOffset.UtcNow.AddDays(-31));
        var old = new OrderAccess(store.Services.GetRequiredService<IDataProtectionProvider>(),
            store.Services.GetRequiredService<IOptions<OrderLinkOptions>>(), monthAgo).KeyFor(order);
        var access = store.Services.GetRequiredService<OrderAccess>();
        Assert.False(access.HoldsKey(order, old));
        Assert.True(access.HoldsKey(order, access.KeyFor(order)));
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/orders/{number}?key={Uri.EscapeDataString(old)}")).StatusCode);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static string Key(Uri page) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(page.Query)["key"].ToString();
}
