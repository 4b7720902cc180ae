using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class PageCacheFixture : ShopFixture;

/// <summary>
/// The storefront pages are cached and shared, and never wrong about price: a change evicts the
/// pages that show it (not their expiry, which is ten minutes), and nothing of a visitor is shared.
/// </summary>
public sealed class PageCacheTests(PageCacheFixture store) : IClassFixture<PageCacheFixture>
{
    /// <summary>Whether the answer came from the cache (the output cache gives a stored answer its age).</summary>
    private static bool FromCache(HttpResponseMessage response) => response.Headers.Age is not null;

    /// <summary>Asks for the page until <paramref name="shows"/> holds, for at most <paramref name="seconds"/>; returns how long that took.</summary>
    private async Task<TimeSpan> UntilAsync(string url, Func<string, bool> shows, double seconds = 1)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (shows(await store.Client().GetStringAsync(url))) return watch.Elapsed;
            await Task.Delay(25);
        }
        Assert.Fail($"{url} did not change within {seconds} s");
        return watch.Elapsed;
    }

    [Fact]
    public async Task A_second_visitor_gets_the_cached_page_with_headers_a_CDN_can_use_and_a_price_change_shows_within_a_second()
    {
        var product = await store.SettledProductAsync(20);
        var url = $"/p/{product.Slug}";
        var first = await store.Client().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Set-Cookie"), first.Headers.Contains("Set-Cookie") ? string.Join(" | ", first.Headers.GetValues("Set-Cookie")) : "");
        Assert.True(first.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: 0, SharedMaxAge.TotalSeconds: 60 });
        Assert.Contains("stale-while-revalidate=30", first.Headers.CacheControl.ToString(), StringComparison.Ordinal);
        var keys = first.Headers.GetValues("Surrogate-Key").Single().Split(' ');
        Assert.Contains($"p:{product.Sku}", keys);
        Assert.Contains($"s:{product.Sku}", keys);
        Assert.Contains("pages", keys);
        Assert.Equal(keys.Order(), first.Headers.GetValues("Cache-Tag").Single().Split(',').Order());
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        var second = await store.Client().GetAsync(url);
        Assert.True(FromCache(second));
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        // A query value the page does not use is the same page.
        Assert.True(FromCache(await store.Client().GetAsync(url + "?utm_source=mail")));

        // A browser (or a CDN) asking again with the ETag gets a 304 and no body.
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await store.Client().SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // The merchant changes the price: every visitor sees it within a second, long before the page would expire.
        var price = product.Price + 7.25m;
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, price, "USD", default)).Succeeded);
        var took = await UntilAsync(url, html => html.Contains($"${price:#,##0.00}", StringComparison.Ordinal));
        Assert.InRange(took, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var fresh = await store.Client().GetAsync(url);
        Assert.NotEqual(etag, fresh.Headers.ETag);
    }

    [Fact]
    public async Task Each_page_of_reviews_and_each_filter_of_a_category_is_its_own_page()
    {
        var product = await store.SettledProductAsync(20);
        await store.Client().GetAsync($"/p/{product.Slug}");
        Assert.False(FromCache(await store.Client().GetAsync($"/p/{product.Slug}?reviews=2")));
        Assert.True(FromCache(await store.Client().GetAsync($"/p/{product.Slug}?reviews=2")));

        var category = (await store.Client().GetDocumentAsync("/")).QuerySelector("nav.categories a")!.GetAttribute("href")!;
        await store.Client().GetAsync(category);
        var sorted = await store.Client().GetAsync(category + "?sort=price-asc");
        Assert.False(FromCache(sorted));
        var page = await store.Client().GetAsync(category);
        Assert.True(FromCache(page));
        Assert.Contains("listing", page.Headers.GetValues("Surrogate-Key").Single().Split(' '));
    }

    [Fact]
    public async Task A_product_withdrawn_leaves_the_listings_that_showed_it_within_the_settle_delay()
    {
        var home = await store.Client().GetDocumentAsync("/");
        var slug = home.QuerySelector(".product-card a.product-link")!.GetAttribute("href")![3..];
        Assert.True(FromCache(await store.Client().GetAsync("/")));
        using var scope = store.Services.CreateScope();
        var product = (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductAsync(slug, default))!;
        Assert.True(await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(product.Id, false, default));
        try
        {
            // At worst after the second eviction (PageCache:SettleDelay, 1 s), should the first
            // rendering have read the catalog's shelves before the catalog dropped them.
            await UntilAsync("/", html => !html.Contains($"/p/{slug}\"", StringComparison.Ordinal), seconds: 3);
            Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/p/{slug}")).StatusCode);
        }
        finally
        {
            await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(product.Id, true, default);
        }
    }

    [Fact]
    public async Task A_page_with_a_visitors_message_or_account_is_never_stored_or_shared()
    {
        var product = await store.ProductAsync(3);
        // A shopper asks for too many: the product page comes back with a message for them alone.
        var shopper = store.Client();
        var refused = await shopper.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "50", ["returnUrl"] = $"/p/{product.Slug}",
        }));
        Assert.Equal($"/p/{product.Slug}", refused.RequestMessage!.RequestUri!.AbsolutePath);
        var mine = await refused.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", mine, StringComparison.Ordinal);
        Assert.True(refused.Headers.CacheControl is { Private: true, NoStore: true });
        Assert.False(refused.Headers.Contains("Surrogate-Key"));

        // The next visitor gets the shared page, without the message.
        var other = await store.Client().GetStringAsync($"/p/{product.Slug}");
        Assert.DoesNotContain("role=\"alert\"", other, StringComparison.Ordinal);

        // A signed-in merchant is served the shared page too, and nothing in it names them.
        var admin = await store.AdminClientAsync();
        var theirs = await admin.GetAsync($"/p/{product.Slug}");
        var html = await theirs.Content.ReadAsStringAsync();
        Assert.True(theirs.Headers.CacheControl!.Public);
        Assert.DoesNotContain(Storefront.Web.Identity.AdminBootstrapper.DemoEmail, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("__RequestVerificationToken", html, StringComparison.Ordinal);
        var header = (await Html.ParseAsync(html)).QuerySelector("nav.account")!;
        Assert.True(header.QuerySelector("a[href='/admin']")!.HasAttribute("hidden"));

        // Their own parts come from /api/visitor, never stored.
        var me = await admin.PostAsync("/api/visitor", new FormUrlEncodedContent([]));
        Assert.True(me.Headers.CacheControl is { Private: true, NoStore: true });
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("signedIn").GetBoolean());
        Assert.True(body.GetProperty("admin").GetBoolean());
        var anonymous = await (await store.Client().PostAsync("/api/visitor", new FormUrlEncodedContent([]))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(anonymous.GetProperty("signedIn").GetBoolean());
    }

    [Fact]
    public async Task Results_pages_are_shared_unless_ranked_by_the_visitors_own_history()
    {
        await store.BuildSearchIndexAsync();
        var product = await store.SettledProductAsync(20);
        var url = "/search?q=" + Uri.EscapeDataString(product.Title.Split(' ')[0]);
        var first = await store.Client().GetAsync(url);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.True(FromCache(await store.Client().GetAsync(url)));
        var shared = await Html.ParseAsync(await first.Content.ReadAsStringAsync());
        var links = shared.QuerySelectorAll(".search-results a.product-link[data-product]");
        Assert.NotEmpty(links);
        Assert.All(links, a => Assert.Equal("", a.GetAttribute("data-click") ?? "")); // nobody's click tokens in a shared page

        // A returning visitor who has looked at products gets results ranked for them, made for them alone.
        var shopper = store.Client();
        await shopper.PostAsync("/api/visitor", new FormUrlEncodedContent([])); // the first visit's cookie
        await shopper.GetAsync($"/p/{product.Slug}");
        await shopper.PostAsync("/api/visitor", new FormUrlEncodedContent(new Dictionary<string, string> { ["viewed"] = product.Slug }));
        var personal = await shopper.GetAsync(url);
        Assert.True(personal.Headers.CacheControl is { Private: true, NoStore: true });
        Assert.False(FromCache(personal));
        var theirs = await Html.ParseAsync(await personal.Content.ReadAsStringAsync());
        Assert.All(theirs.QuerySelectorAll(".search-results a.product-link[data-product]"), a => Assert.NotEmpty(a.GetAttribute("data-click")!));
        // Sorted by price, the results are the same for everybody again.
        Assert.True((await shopper.GetAsync(url + "&sort=price-asc")).Headers.CacheControl!.Public);
    }

    private static async Task<HttpResponseMessage> GetEncodedAsync(HttpClient client, string url, string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Shared_pages_are_kept_compressed_per_encoding_and_pages_for_one_visitor_are_never_compressed()
    {
        var product = await store.SettledProductAsync(20);
        var url = $"/p/{product.Slug}";
        var plain = await store.Client().GetAsync(url);
        var html = await plain.Content.ReadAsStringAsync();
        Assert.Empty(plain.Content.Headers.ContentEncoding);

        foreach (var (accept, encoding) in new[] { ("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip") })
        {
            foreach (var fromCache in new[] { false, true })
            {
                var response = await GetEncodedAsync(store.Client(), url, accept);
                Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
                Assert.Contains("Accept-Encoding", response.Headers.Vary);
                Assert.EndsWith($"-{encoding}\"", response.Headers.ETag!.Tag, StringComparison.Ordinal);
                await using var body = await response.Content.ReadAsStreamAsync();
                await using Stream decoded = encoding == "br"
                    ? new System.IO.Compression.BrotliStream(body, System.IO.Compression.CompressionMode.Decompress)
                    : new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress);
                Assert.Equal(html, await new StreamReader(decoded).ReadToEndAsync());
                Assert.InRange(response.Content.Headers.ContentLength ?? 0, 1, html.Length / 2);
                if (fromCache) Assert.True(FromCache(response));

            }
        }

        // A page carrying a form token is sent as it is, whatever the browser accepts (BREACH).
        var account = await GetEncodedAsync(await store.AdminClientAsync(), "/account", "br, gzip");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Empty(account.Content.Headers.ContentEncoding);

        // Style sheets are compressed, and a versioned one is kept by browsers for a year.
        var css = (await Html.ParseAsync(html)).QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        Assert.Contains("?v=", css, StringComparison.Ordinal);
        var sheet = await GetEncodedAsync(store.Client(), css, "br");
        Assert.Equal(["br"], sheet.Content.Headers.ContentEncoding);
        Assert.True(sheet.Headers.CacheControl is { Public: true, MaxAge.TotalDays: 365 });
        Assert.Contains("immutable", sheet.Headers.CacheControl.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_for_one_visitor_keep_their_no_store_headers()
    {
        var client = await store.AdminClientAsync();
        foreach (var path in new[] { "/cart", "/account", "/admin" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Surrogate-Key"), path);
            Assert.False(FromCache(response), path);
            Assert.False(FromCache(await client.GetAsync(path)), path);
        }
    }
}

public sealed class SharedPageCacheFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["PageCache:Store"] = "redis" };
}

/// <summary>With several instances the pages can live in Redis, one copy for all, evicted once for all.</summary>
public sealed class SharedPageCacheTests(SharedPageCacheFixture store) : IClassFixture<SharedPageCacheFixture>
{
    [Fact]
    public async Task Pages_kept_in_redis_are_shared_and_evicted_by_a_price_change()
    {
        var product = await store.SettledProductAsync(20);
        var url = $"/p/{product.Slug}";
        Assert.Null((await store.Client().GetAsync(url)).Headers.Age);
        Assert.NotNull((await store.Client().GetAsync(url)).Headers.Age);
        Assert.NotEmpty(await store.RedisKeysAsync("storefront:pages:*"));

        var price = product.Price + 3.5m;
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, price, "USD", default)).Succeeded);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await store.Client().GetStringAsync(url)).Contains($"${price:#,##0.00}", StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "The new price did not show within 1 s");
            await Task.Delay(25);
        }
    }
}

/// <summary>A CDN's purge-by-tag address, as a local server: records every purge the store sends.</summary>
public sealed class PurgeStandIn : IAsyncDisposable
{
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;

    public System.Collections.Concurrent.ConcurrentQueue<(string? Authorization, string[] Tags)> Purges { get; } = new();

    public Uri Address { get; private set; } = default!;

    private PurgeStandIn(Microsoft.AspNetCore.Builder.WebApplication app) => _app = app;

    public static async Task<PurgeStandIn> StartAsync()
    {
        var standIn = new PurgeStandIn(LocalServer.Create());
        standIn._app.MapPost("/purge", async (HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<JsonElement>();
            standIn.Purges.Enqueue((http.Request.Headers.Authorization.ToString(),
                body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray()));
            return Results.Ok();
        });
        standIn.Address = new Uri(await LocalServer.StartAsync(standIn._app), "/purge");
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class PurgingPageCacheFixture : ShopFixture
{
    public PurgeStandIn Cdn { get; private set; } = default!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["PageCache:PurgeUrl"] = Cdn.Address.ToString(),
        ["PageCache:PurgeAuthorization"] = "Bearer cdn-token",
    };

    public override async Task InitializeAsync()
    {
        Cdn = await PurgeStandIn.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cdn.DisposeAsync();
    }
}

/// <summary>Behind a CDN that purges by tag, the store tells it which pages to drop, and stock wording follows stock.</summary>
public sealed class PurgingPageCacheTests(PurgingPageCacheFixture store) : IClassFixture<PurgingPageCacheFixture>
{
    [Fact]
    public async Task A_price_change_is_sent_to_the_CDN_as_the_tags_of_the_pages_that_show_it()
    {
        var product = await store.SettledProductAsync(20);
        var keys = (await store.Client().GetAsync($"/p/{product.Slug}")).Headers.GetValues("Surrogate-Key").Single().Split(' ');
        Assert.Contains($"p:{product.Sku}", keys);
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, product.Price + 1, "USD", default)).Succeeded);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!store.Cdn.Purges.Any(p => p.Tags.Contains($"p:{product.Sku}")))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "No purge of the product's tag reached the CDN");
            await Task.Delay(25);
        }
        Assert.All(store.Cdn.Purges, p => Assert.Equal("Bearer cdn-token", p.Authorization));
    }

    [Fact]
    public async Task The_stock_wording_of_a_cached_product_page_follows_the_stock()
    {
        var product = await store.SettledProductAsync(20);
        var url = $"/p/{product.Slug}";
        Assert.Contains("In stock", await store.Client().GetStringAsync(url), StringComparison.Ordinal);
        Assert.NotNull((await store.Client().GetAsync(url)).Headers.Age);
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>()
                .SetOnHandAsync(product.Sku, 3, new StockChangeContext("test", "Counted again"), default)).Succeeded);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await store.Client().GetStringAsync(url)).Contains("Only 3 left", StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "The page still did not say how few are left");
            await Task.Delay(25);
        }
    }
}
