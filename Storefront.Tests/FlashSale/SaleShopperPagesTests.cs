using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Orders;
using Storefront.FlashSale.Selling;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

public sealed class SaleShopperPagesFixture : FlashSaleFixture;

/// <summary>
/// The shopper's side over HTTP: the sale page, the JSON status with its pollAfter, refused passes
/// as problems, joining and buying as a guest where the sale allows it, sold-out answers shared with a
/// CDN and kept by the server, and bad input refused without taking anything.
/// </summary>
public sealed class SaleShopperPagesTests(SaleShopperPagesFixture store) : IClassFixture<SaleShopperPagesFixture>
{
    private static readonly object Buyer = new
    {
        name = "Ada Shopper", line1 = "1 Main St", city = "Springfield", region = "CA", postalCode = "90210", country = "US",
        email = "ada@example.com", card = "4242 4242 4242 4242",
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Before_the_start_the_page_counts_down_and_joining_needs_an_account_where_the_sale_says_so()
    {
        var sale = await store.ArmedSaleAsync("page-upcoming", units: 5, startsIn: TimeSpan.FromMinutes(10));
        var client = store.Client(followRedirects: false);

        var page = await Html.ParseAsync(await client.GetStringAsync("/sale/page-upcoming"));
        Assert.NotNull(page.QuerySelector("time[data-countdown]"));
        Assert.Contains("Sign in and join the line", page.QuerySelector("form.sale-join")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sale/no-such-sale")).StatusCode);

        var token = Html.AntiforgeryToken(await client.GetStringAsync("/sale/page-upcoming"));
        var join = await client.PostAsync("/sale/page-upcoming?handler=Join", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, join.StatusCode);
        Assert.StartsWith("/account/login", join.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);

        var api = await client.PostAsJsonAsync("/api/sales/page-upcoming/join", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(sale);
    }

    [Fact]
    public async Task A_guest_joins_sees_the_place_and_when_to_poll_and_a_forged_pass_gets_a_problem()
    {
        var sale = await store.ArmedSaleAsync("page-guest", units: 2, perMinute: 60, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        await store.JoinAsync(sale, "u:ahead-1");
        await store.JoinAsync(sale, "u:ahead-2");
        var (client, _) = store.ClientWithCookieJar();

        var joined = await client.PostAsJsonAsync("/api/sales/page-guest/join", new { });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        var body = await JsonAsync(joined);
        Assert.Equal("joined", body.GetProperty("outcome").GetString());
        var status = await JsonAsync(await client.GetAsync("/api/sales/page-guest/status"));
        Assert.Equal("waiting", status.GetProperty("state").GetString());
        Assert.Equal(3, status.GetProperty("position").GetInt64());
        Assert.Equal("You are #3 in line · less than a minute", status.GetProperty("message").GetString());
        Assert.InRange(status.GetProperty("pollAfter").GetInt32(), 1, 20);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("buyUrl").ValueKind);

        var page = await Html.ParseAsync(await client.GetStringAsync("/sale/page-guest"));
        Assert.Equal("You are #3 in line · less than a minute", page.QuerySelector("[data-sale-message]")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("noscript"));

        var forged = new HttpRequestMessage(HttpMethod.Get, "/api/sales/page-guest/status");
        forged.Headers.Add("X-Sale-Pass", body.GetProperty("pass").GetString()![..^4] + "AAAA");
        var refused = await client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not valid", (await JsonAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another guest's browser with this pass is refused: the pass is bound to the visitor.
        var other = store.Client();
        var borrowed = new HttpRequestMessage(HttpMethod.Get, "/api/sales/page-guest/status");
        borrowed.Headers.Add("X-Sale-Pass", body.GetProperty("pass").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await other.SendAsync(borrowed)).StatusCode);
    }

    [Fact]
    public async Task An_admitted_guest_buys_sees_the_confirmation_at_once_and_the_order_when_it_is_made()
    {
        var sale = await store.ArmedSaleAsync("page-buy", units: 1, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var (client, _) = store.ClientWithCookieJar();
        await client.PostAsJsonAsync("/api/sales/page-buy/join", new { });
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        var status = await JsonAsync(await client.GetAsync("/api/sales/page-buy/status"));
        Assert.Equal("admitted", status.GetProperty("state").GetString());
        Assert.Equal("/sale/page-buy/buy", status.GetProperty("buyUrl").GetString());

        var buyPage = await client.GetStringAsync("/sale/page-buy/buy");
        Assert.Contains("Confirm and pay", buyPage, StringComparison.Ordinal);

        // Bad input takes nothing: the unit stays for this shopper.
        var bad = await client.PostAsJsonAsync("/api/sales/page-buy/purchase", new { name = "", email = "nope", card = "12" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await JsonAsync(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("card", out _));
        Assert.Equal(1, await store.Services.GetRequiredService<SaleRoomStore>().LeftAsync(sale.Id));
        var notJson = await client.PostAsync("/api/sales/page-buy/purchase", new StringContent("name=x"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);

        var bought = await client.PostAsJsonAsync("/api/sales/page-buy/purchase", Buyer);
        Assert.Equal(HttpStatusCode.OK, bought.StatusCode);
        var purchase = await JsonAsync(bought);
        var url = purchase.GetProperty("url").GetString()!;
        var confirmation = await Html.ParseAsync(await client.GetStringAsync(url));
        Assert.Equal("Order confirmed", confirmation.QuerySelector("h1")!.TextContent);
        Assert.Contains(purchase.GetProperty("reference").GetString()!, confirmation.QuerySelector(".sale-purchase")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(confirmation.QuerySelector("[data-purchase-waiting]"));
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync(url)).StatusCode); // someone else's

        await store.Services.GetRequiredService<PurchaseOrderJob>().RunAsync(purchase.GetProperty("id").GetGuid(), default);
        var done = await Html.ParseAsync(await client.GetStringAsync(url));
        var number = done.QuerySelector("[data-order-number]")!.TextContent;
        Assert.StartsWith("SF-", number, StringComparison.Ordinal);
        var orderLink = done.QuerySelector(".sale-purchase a[href^='/orders/']")!.GetAttribute("href")!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(orderLink)).StatusCode);
        var json = await JsonAsync(await client.GetAsync($"/api/sales/page-buy/purchases/{purchase.GetProperty("id").GetGuid()}"));
        Assert.Equal("ordered", json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Visitors_without_a_place_in_line_share_one_page_for_a_second_and_a_guest_who_joins_sees_their_own()
    {
        var sale = await store.ArmedSaleAsync("page-shared", units: 3, perMinute: 60, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        await store.JoinAsync(sale, "u:ahead-1");

        var first = await store.Client().GetAsync("/sale/page-shared");
        Assert.Equal("public, s-maxage=1", first.Headers.CacheControl!.ToString());
        Assert.False(first.Headers.Contains("Set-Cookie"));
        var html = await first.Content.ReadAsStringAsync();
        Assert.DoesNotContain("__RequestVerificationToken", html, StringComparison.Ordinal);
        Assert.NotNull((await Html.ParseAsync(html)).QuerySelector("form.sale-join"));
        // A second visitor gets the same page from the cache.
        var second = await store.Client().GetAsync("/sale/page-shared");
        Assert.NotNull(second.Headers.Age);
        Assert.Equal(html, await second.Content.ReadAsStringAsync());

        // The page's form joins without a token; the guest then sees their own place, never the shared page.
        var (client, _) = store.ClientWithCookieJar();
        var joined = await client.PostAsync("/sale/page-shared?handler=Join", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        var own = await client.GetAsync("/sale/page-shared");
        Assert.Null(own.Headers.Age);
        Assert.False(own.Headers.CacheControl?.Public ?? false);
        var place = await Html.ParseAsync(await own.Content.ReadAsStringAsync());
        Assert.StartsWith("You are #2 in line", place.QuerySelector("[data-sale-message]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Null(place.QuerySelector("form.sale-join"));
    }

    [Fact]
    public async Task Sold_out_answers_are_the_same_for_everyone_shared_with_a_CDN_and_kept_by_the_server()
    {
        var sale = await store.ArmedSaleAsync("page-gone", units: 1, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var joined = await store.JoinAsync(sale, "u:lucky");
        await store.StepAsync(sale);
        Assert.Equal(Storefront.FlashSale.Contracts.PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, joined.Pass!, "u:lucky")).Outcome);
        await Task.Delay(100); // the sale's view is read again after FlashSale:ViewRefresh

        var client = store.Client();
        var first = await client.GetAsync("/api/sales/page-gone/status");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("public, s-maxage=10, stale-while-revalidate=30", first.Headers.CacheControl!.ToString());
        Assert.Equal("sold-out", (await JsonAsync(first)).GetProperty("state").GetString());
        Assert.False(first.Headers.Contains("Set-Cookie"));
        // Answered from the instance's memory: the same bytes for everyone, pass or no pass, and
        // nothing asked of Redis (the sale's counters gone from it change nothing).
        await store.Services.GetRequiredService<SaleRoomStore>().ForgetAsync(sale.Id);
        using var withPass = new HttpRequestMessage(HttpMethod.Get, "/api/sales/page-gone/status");
        withPass.Headers.Add("X-Sale-Pass", joined.Pass);
        var second = await store.Client().SendAsync(withPass);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=utf-8", second.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, s-maxage=10, stale-while-revalidate=30", second.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", second.Headers.GetValues("X-Content-Type-Options").Single());
        var unknown = await client.GetAsync("/api/sales/no-such-sale/status");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var page = await client.GetAsync("/sale/page-gone");
        Assert.Equal("public, s-maxage=10, stale-while-revalidate=30", page.Headers.CacheControl!.ToString());
        var html = await Html.ParseAsync(await page.Content.ReadAsStringAsync());
        Assert.Contains("Sold out", html.QuerySelector(".sale")!.TextContent, StringComparison.Ordinal);
        Assert.Null(html.QuerySelector("form"));
        Assert.False(page.Headers.Contains("Set-Cookie"));
        Assert.NotNull((await client.GetAsync("/sale/page-gone")).Headers.Age);
    }
}
