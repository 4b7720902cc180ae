using System.Net;
using System.Net.Http.Json;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Security;

public sealed class CrossSiteRequestFixture : ShopFixture;

/// <summary>
/// A form or script of another site cannot change a shopper's cart, account or order: the browser
/// says where a request came from, and the store refuses any state-changing request from elsewhere
/// before a handler runs, with or without a token.
/// </summary>
public sealed class CrossSiteRequestTests(CrossSiteRequestFixture store) : IClassFixture<CrossSiteRequestFixture>
{
    public static TheoryData<string, string> ForeignSenders => new()
    {
        { "Sec-Fetch-Site", "cross-site" },
        { "Sec-Fetch-Site", "same-site" }, // a sibling subdomain is someone else's site too
        { "Origin", "https://evil.example" },
        { "Origin", "null" }, // a sandboxed frame or a data: document
        { "Origin", "http://localhost.evil.example" },
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, HttpContent? content, (string Name, string Value)? header)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (header is var (name, value)) request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    private static FormUrlEncodedContent AddForm(ShopFixture.TestProduct product) => new(new Dictionary<string, string>
    {
        ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}",
    });

    private static async Task<int> CartCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<CartBody>("/api/cart"))!.ItemCount;

    private sealed record CartBody(int ItemCount);

    [Theory]
    [MemberData(nameof(ForeignSenders))]
    public async Task A_form_posted_from_another_site_is_refused_with_a_page_that_says_so_and_the_cart_is_unchanged(string header, string value)
    {
        var product = await store.ProductAsync(10);
        var client = store.Client(followRedirects: false);
        Assert.Equal(HttpStatusCode.Redirect, (await SendAsync(client, HttpMethod.Post, "/cart?handler=Add", AddForm(product), null)).StatusCode);
        Assert.Equal(1, await CartCountAsync(client));

        var refused = await SendAsync(client, HttpMethod.Post, "/cart?handler=Add", AddForm(product), (header, value));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var page = await Html.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Sent from another site", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(1, await CartCountAsync(client));

        // The JSON endpoints answer with a problem, and change nothing either.
        var api = await SendAsync(client, HttpMethod.Post, "/api/cart/lines", JsonContent.Create(new { sku = product.Sku, quantity = 1 }), (header, value));
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var delete = await SendAsync(client, HttpMethod.Delete, $"/api/cart/lines/{product.Sku}", null, (header, value));
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(1, await CartCountAsync(client));
    }

    [Fact]
    public async Task The_stores_own_pages_and_programs_without_a_browser_are_served()
    {
        var client = store.Client(followRedirects: false);
        foreach (var header in new (string, string)?[] { ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Site", "none"), ("Origin", "http://localhost"), null })
            Assert.Equal(HttpStatusCode.Redirect, (await SendAsync(client, HttpMethod.Post, "/cart?handler=Add", AddForm(await store.ProductAsync(10)), header)).StatusCode);
        var product = await store.ProductAsync(10);
        Assert.Equal(4, await CartCountAsync(client));
        // Reading is never refused, wherever the link was.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, $"/p/{product.Slug}", null, ("Sec-Fetch-Site", "cross-site"))).StatusCode);
    }

    [Fact]
    public async Task Another_site_cannot_sign_a_shopper_out_or_change_an_account()
    {
        var client = await store.AdminClientAsync();
        var html = await client.GetStringAsync("/account");
        var token = Html.AntiforgeryToken(html);
        var signOut = await SendAsync(client, HttpMethod.Post, "/account/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ("Sec-Fetch-Site", "cross-site"));
        Assert.Equal(HttpStatusCode.Forbidden, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode); // still signed in
    }
}
