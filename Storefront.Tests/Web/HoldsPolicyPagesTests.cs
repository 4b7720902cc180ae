using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>The demo catalog with the default holds policy; each request may say which address it comes from.</summary>
public sealed class HoldsPolicyShopFixture : ShopFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>();

    /// <summary>A client with a cookie jar whose requests come from <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(ClientAddressStartupFilter.Header, address);
        return client;
    }
}

public sealed class HoldsPolicyPagesTests(HoldsPolicyShopFixture store) : IClassFixture<HoldsPolicyShopFixture>
{
    private static async Task<HttpResponseMessage> AddFromProductPageAsync(HttpClient client, ShopFixture.TestProduct product, string quantity)
    {
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        return await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = quantity, ["returnUrl"] = $"/p/{product.Slug}",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
    }

    [Fact]
    public async Task One_post_for_the_last_four_no_longer_makes_the_product_unavailable_to_the_next_shopper()
    {
        var product = await store.ProductAsync(onHand: 4);
        var attacker = store.ClientFrom("203.0.113.50");
        var attack = await attacker.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 4 });
        await CartPagesTests.AssertProblemAsync(attack, HttpStatusCode.Conflict, "You can hold at most 1 of this item while stock is limited.");
        Assert.Equal(4, await store.AvailableAsync(product.Sku));

        var shopper = store.ClientFrom("198.51.100.50");
        var page = await shopper.GetDocumentAsync($"/p/{product.Slug}");
        Assert.Equal("Only 4 left", page.QuerySelector("#availability")!.TextContent.Trim());
        var added = await Html.ParseAsync(await (await AddFromProductPageAsync(shopper, product, "1")).Content.ReadAsStringAsync());
        Assert.Equal($"Added “{product.Title}” to your cart.", added.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Equal(3, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task Many_cookie_less_requests_from_one_address_cannot_hold_all_the_stock()
    {
        var product = await store.ProductAsync(onHand: 12);
        // Each request has a client of its own, so no cookie: every one starts a new cart.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() =>
            store.ClientFrom("203.0.113.60").PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 }))));

        // Half of twelve: the most the carts of one address may hold together.
        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await CartPagesTests.AssertProblemAsync(refused, HttpStatusCode.Conflict,
                "Carts from your network already hold as many of this item as we allow while stock is limited.");
        Assert.Equal(6, await store.AvailableAsync(product.Sku));

        // A shopper elsewhere buys their share: a quarter of twelve.
        var shopper = store.ClientFrom("198.51.100.60");
        Assert.Equal(HttpStatusCode.OK, (await shopper.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 3 })).StatusCode);
        Assert.Equal(3, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task An_honest_shopper_adding_two_of_a_plentiful_product_is_unaffected()
    {
        var product = await store.ProductAsync(onHand: 500);
        var shopper = store.ClientFrom("198.51.100.70");
        var page = await shopper.GetDocumentAsync($"/p/{product.Slug}");
        Assert.Null(page.QuerySelector(".hold-limit"));
        var added = await Html.ParseAsync(await (await AddFromProductPageAsync(shopper, product, "2")).Content.ReadAsStringAsync());
        Assert.Equal($"Added 2 × “{product.Title}” to your cart.", added.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Equal(498, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_capped_shopper_is_told_how_many_they_may_hold_and_can_buy_that_many()
    {
        var product = await store.ProductAsync(onHand: 8);
        var shopper = store.ClientFrom("198.51.100.80");
        var page = await shopper.GetDocumentAsync($"/p/{product.Slug}");
        Assert.Equal("You can hold at most 2 of this item while stock is limited.", page.QuerySelector(".hold-limit")!.TextContent);
        Assert.Equal("2", page.QuerySelector("#add-quantity")!.GetAttribute("max"));

        var refused = await Html.ParseAsync(await (await AddFromProductPageAsync(shopper, product, "3")).Content.ReadAsStringAsync());
        Assert.Equal("You can hold at most 2 of this item while stock is limited.", refused.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Equal(8, await store.AvailableAsync(product.Sku));

        await AddFromProductPageAsync(shopper, product, "2");
        Assert.Equal(6, await store.AvailableAsync(product.Sku));
        var update = await shopper.PostAsync("/cart?handler=Update", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "3", ["__RequestVerificationToken"] = Html.AntiforgeryToken(await shopper.GetStringAsync("/cart")),
        }));
        var cart = await Html.ParseAsync(await update.Content.ReadAsStringAsync());
        Assert.Equal("You can hold at most 2 of this item while stock is limited. Your cart already has 2.", cart.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Equal("2", cart.QuerySelector($"tr.cart-line[data-sku='{product.Sku}'] input[name=quantity]")!.GetAttribute("value"));
    }
}
