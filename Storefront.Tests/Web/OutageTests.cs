using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Cart;
using Storefront.Cart.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>
/// A store on a PostgreSQL and a Redis server of its own, so that its tests can stop and restart
/// them without disturbing the other test classes on the run's shared servers.
/// </summary>
public sealed class OutageStoreFixture : ShopFixture
{
    public PostgresServer Postgres { get; private set; } = default!;
    public RedisServer Redis { get; private set; } = default!;
    public LogCollector Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Metrics:Token"] = MetricsFixture.Token };

    /// <summary>The store's numbers, as the operator's Prometheus reads them.</summary>
    public async Task<string> ScrapeAsync()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MetricsFixture.Token);
        return await client.GetStringAsync("/metrics");
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);

    protected override async Task<(string Postgres, string Redis)> ServersAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        (Postgres, Redis) = (await postgres, await redis);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopServers();
        await Postgres.ExecuteAsync("CREATE DATABASE sf_outage");
        // The store migrates the empty database as it starts. Short timeouts: an outage is noticed
        // in about a second, not after the clients' default waits.
        var database = new NpgsqlConnectionStringBuilder(Postgres.ConnectionStringFor("sf_outage")) { Timeout = 3 }.ConnectionString;
        return (database, $"{Redis.ConnectionString},connectTimeout=1000,asyncTimeout=1000,syncTimeout=1000");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        StopServers();
    }

    private void StopServers()
    {
        Redis?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public async Task<string> CategorySlugAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT slug FROM catalog.categories ORDER BY slug LIMIT 1", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyDictionary<string, int>> HoldsAsync(Guid cart)
    {
        using var scope = Services.CreateScope();
        var holds = await scope.ServiceProvider.GetRequiredService<IStockReservations>().HoldsOfAsync(CartHolds.HolderOf(cart), default);
        return holds.ToDictionary(h => h.Key, h => h.Value.Quantity);
    }
}

public sealed class OutageTests(OutageStoreFixture store) : IClassFixture<OutageStoreFixture>
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    private static string SearchWord(ShopFixture.TestProduct product) =>
        product.Title.Split(' ').First(w => w.Length >= 4 && w.All(char.IsLetter));

    private static async Task<JsonElement> CartAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/api/cart");

    /// <summary>Waits, up to a deadline, until <paramref name="path"/> answers 200 again.</summary>
    private static async Task<HttpResponseMessage> RecoveredAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow + RecoveryDeadline;
        while (true)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline) return response;
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Waits until the store is whole again after another test's outage: the Redis client reconnects
    /// on its own schedule (a back-off of up to 10 s), and until then what needs Redis says so at once.
    /// </summary>
    private async Task WholeAsync() =>
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(store.Client(), "/health/ready")).StatusCode);

    private static void AssertNoStackTrace(string body)
    {
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        Assert.DoesNotContain("StackExchange", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Redis_stopped_the_shop_answers_the_cart_says_it_is_briefly_unavailable_and_all_recovers_when_Redis_returns()
    {
        await WholeAsync();
        var product = await store.ProductAsync(onHand: 20);
        var category = await store.CategorySlugAsync();
        var client = store.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 2 })).StatusCode);
        var cartId = (await CartAsync(client)).GetProperty("cartId").GetGuid();
        var outagesBefore = MetricsTests.Value(await store.ScrapeAsync(), "storefront_dependency_outages_total", "dependency=\"redis\"");
        // The cart has reached PostgreSQL, as the write-behind does within seconds.
        await store.Services.GetRequiredService<CartWriteBehind>().FlushDirtyAsync(default);
        var available = await store.AvailableAsync(product.Sku);

        await store.Redis.StopAsync();
        try
        {
            foreach (var path in new[] { "/", $"/c/{category}", $"/p/{product.Slug}", $"/search?q={Uri.EscapeDataString(SearchWord(product))}", "/orders/track" })
            {
                var page = await client.GetAsync(path);
                var body = await page.Content.ReadAsStringAsync();
                Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)page.StatusCode} with Redis down");
                // The header says "Cart" without a count it cannot know.
                Assert.Null((await Html.ParseAsync(body)).QuerySelector(".cart-count:not([hidden])"));
            }
            // Nor does the cached pages' script get one.
            Assert.Null(await StoreFixture.HeaderCartCountAsync(client));

            var cartPage = await client.GetAsync("/cart");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, cartPage.StatusCode);
            Assert.NotNull(cartPage.Headers.RetryAfter);
            var cartBody = await cartPage.Content.ReadAsStringAsync();
            Assert.Contains("Your cart is briefly unavailable", cartBody, StringComparison.Ordinal);
            AssertNoStackTrace(cartBody);

            var api = await client.GetAsync("/api/cart");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(api.Headers.RetryAfter);
            AssertNoStackTrace(await api.Content.ReadAsStringAsync());

            var add = await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, add.StatusCode);
            var remove = await client.DeleteAsync($"/api/cart/lines/{product.Sku}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, remove.StatusCode);
            // Nothing changed: the cart's hold and the product's free stock are as they were.
            Assert.Equal(2, (await store.HoldsAsync(cartId))[product.Sku]);
            Assert.Equal(available, await store.AvailableAsync(product.Sku));

            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var readiness = await ready.Content.ReadAsStringAsync();
            Assert.Contains("redis", readiness, StringComparison.Ordinal);
            Assert.DoesNotContain("postgres", readiness, StringComparison.Ordinal);
            // The operator's numbers count the requests the outage turned away (the cart page and API above).
            Assert.True(MetricsTests.Value(await store.ScrapeAsync(), "storefront_dependency_outages_total", "dependency=\"redis\"") >= outagesBefore + 4);
        }
        finally
        {
            await store.Redis.StartAgainAsync();
        }

        // The restarted Redis is empty: the cart comes back from PostgreSQL, without a restart of the store.
        var back = await RecoveredAsync(client, "/api/cart");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        var line = Assert.Single((await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines").EnumerateArray());
        Assert.Equal((product.Sku, 2), (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/p/{product.Slug}")).StatusCode);
        Assert.Equal(2, await StoreFixture.HeaderCartCountAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 })).StatusCode);
        Assert.Equal(3, (await store.HoldsAsync(cartId))[product.Sku]);
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(client, "/health/ready")).StatusCode);
    }

    [Fact]
    public async Task With_Redis_stopped_the_merchant_area_answers_and_saves()
    {
        await WholeAsync();
        var product = await store.ProductAsync(onHand: 20);
        var admin = await store.AdminClientAsync();
        var pages = new[]
        {
            "/admin", "/admin/products", $"/admin/products/{product.Id}", "/admin/products/new", "/admin/products/import",
            "/admin/products?handler=Csv", "/admin/categories", $"/admin/stock?sku={product.Sku}", "/admin/stock", "/admin/orders",
            "/admin/fulfilment", "/admin/customers", "/admin/discounts", "/admin/reviews", "/admin/reports", "/admin/sales",
            "/admin/sales/new", "/admin/search", "/admin/events", "/admin/recommendations", $"/admin/recommendations?sku={product.Sku}",
            "/admin/staff", "/admin/packing-slips", "/admin/store-pages", "/admin/store-pages/new", "/admin/returns",
        };
        var shopper = store.Client();
        Assert.Contains(Money(product.Price), await shopper.GetStringAsync($"/p/{product.Slug}"), StringComparison.Ordinal);
        var failures = new List<string>();
        var newPrice = product.Price + 7.00m;
        var logged = store.Logs.Lines.Count;
        await store.Redis.StopAsync();
        try
        {
            foreach (var path in pages)
            {
                var page = await admin.GetAsync(path);
                var body = await page.Content.ReadAsStringAsync();
                if (page.StatusCode != HttpStatusCode.OK) failures.Add($"{path}: {(int)page.StatusCode}");
                else AssertNoStackTrace(body);
            }

            // A price saved while Redis is down is saved, and the shopper's page follows it.
            var form = await admin.GetDocumentAsync($"/admin/stock?sku={product.Sku}");
            var fields = form.QuerySelectorAll("form.form-grid input[name]").Where(e => e.GetAttribute("type") != "submit")
                .GroupBy(e => e.GetAttribute("name")!).ToDictionary(g => g.Key, g => g.First().GetAttribute("value") ?? "");
            fields["Input.Price"] = newPrice.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            fields["__RequestVerificationToken"] = Html.AntiforgeryToken(form.DocumentElement.OuterHtml);
            var saved = await admin.PostAsync("/admin/stock", new FormUrlEncodedContent(fields));
            var savedBody = await saved.Content.ReadAsStringAsync();
            if (!savedBody.Contains("price and stock saved", StringComparison.Ordinal)) failures.Add($"price not saved: {(int)saved.StatusCode} {savedBody[..Math.Min(2000, savedBody.Length)]}");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            string shown;
            do shown = await shopper.GetStringAsync($"/p/{product.Slug}");
            while (!shown.Contains(Money(newPrice), StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Wait());
            if (!shown.Contains(Money(newPrice), StringComparison.Ordinal)) failures.Add("the product page kept the old price with Redis down");
        }
        finally
        {
            await store.Redis.StartAgainAsync();
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Nothing waited for Redis to come back: each page's reads of it (the header's cart count among
        // them) failed at once as "no connection", none after waiting out its timeout.
        var outage = store.Logs.Lines.Skip(logged).ToList();
        Assert.Contains(outage, l => l.Contains("cart count could not be read", StringComparison.Ordinal) && l.Contains("RedisConnectionException", StringComparison.Ordinal));
        Assert.DoesNotContain(outage, l => l.Contains("Redis", StringComparison.Ordinal) && l.Contains("timed out", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(Money(newPrice), await (await RecoveredAsync(shopper, $"/p/{product.Slug}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(shopper, "/health/ready")).StatusCode);

        static string Money(decimal amount) => amount.ToString("$#,##0.00", System.Globalization.CultureInfo.InvariantCulture);
        static async Task<bool> Wait() { await Task.Delay(250); return true; }
    }

    [Fact]
    public async Task With_Redis_stopped_deleting_an_account_leaves_it_as_it_is_and_its_data_copy_asks_to_try_again()
    {
        await WholeAsync();
        var email = $"outage-leaving-{Guid.NewGuid():N}@example.test";
        var client = store.Client();
        await AccountPagesTests.RegisterAndConfirmAsync(store, client, email, "Outage-Leaving-1");
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account"));
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Delete.Password"] = "Outage-Leaving-1", ["Delete.Understood"] = "true", ["__RequestVerificationToken"] = token,
        });

        await store.Redis.StopAsync();
        HttpResponseMessage refused, copy;
        try
        {
            refused = await client.PostAsync("/account?handler=Delete", form);
            // The copy of the account's data needs the cart and the search history: it says to try again.
            copy = await client.GetAsync("/account?handler=Data");
        }
        finally
        {
            await store.Redis.StartAgainAsync();
        }
        Assert.Equal(HttpStatusCode.OK, copy.StatusCode);
        Assert.Equal("text/html", copy.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Your data could not be gathered just now: please try again in a few minutes.",
            (await Html.ParseAsync(await copy.Content.ReadAsStringAsync())).QuerySelector("section[aria-labelledby=data-heading] [role=alert]")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        AssertNoStackTrace(body);
        Assert.Equal("Your account could not be deleted just now. It is still there: please try again in a few minutes.",
            (await Html.ParseAsync(body)).QuerySelector("[data-valmsg-for='Delete.Password']")!.TextContent);
        using (var scope = store.Services.CreateScope())
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Storefront.Web.Identity.StoreUser>>().FindByEmailAsync(email));
        Assert.Equal("/account", (await RecoveredAsync(client, "/account")).RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task With_PostgreSQL_stopped_pages_answer_a_friendly_503_and_the_store_recovers_when_it_returns()
    {
        await WholeAsync();
        var product = await store.ProductAsync(onHand: 20);
        var category = await store.CategorySlugAsync();
        var client = store.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 })).StatusCode);
        var admin = await store.AdminClientAsync();
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Storefront.Catalog.Contracts.IStorePagesAdmin>().CreateAsync(
                new("Terms", "terms", "", "Our terms.", true, true, 1, true), null, default);

        await store.Postgres.StopAsync();
        var unavailable = 0;
        try
        {
            // The merchant area cannot work without its database: it says so, without a 500.
            foreach (var path in new[] { "/admin", "/admin/products", $"/admin/products/{product.Id}", "/admin/orders", "/admin/stock", "/admin/recommendations", "/admin/products/import", "/admin/store-pages", "/admin/returns" })
            {
                var page = await admin.GetAsync(path);
                var body = await page.Content.ReadAsStringAsync();
                Assert.True(page.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path} answered {(int)page.StatusCode} with PostgreSQL down");
                AssertNoStackTrace(body);
                Assert.Contains("Please try again in a minute", body, StringComparison.Ordinal);
            }
            foreach (var path in new[] { "/", $"/c/{category}", $"/p/{product.Slug}", $"/search?q={Uri.EscapeDataString(SearchWord(product))}", "/cart", "/orders/track", "/account/login", "/sitemap.xml", "/sitemaps/products-1.xml", "/sitemaps/categories.xml", "/pages/terms" })
            {
                var page = await client.GetAsync(path);
                var body = await page.Content.ReadAsStringAsync();
                // Pages served from caches may still answer; none may fail with a 500 or show a stack trace.
                Assert.True(page.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                    $"{path} answered {(int)page.StatusCode} with PostgreSQL down");
                AssertNoStackTrace(body);
                if (page.StatusCode != HttpStatusCode.ServiceUnavailable) continue;
                unavailable++;
                Assert.NotNull(page.Headers.RetryAfter);
                Assert.Contains("Please try again in a minute", body, StringComparison.Ordinal);
            }
            // The product page was never opened before, so it cannot come from a cache.
            Assert.True(unavailable > 0);
            // robots.txt needs no database.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/robots.txt")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync($"/p/{product.Slug}")).StatusCode);

            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var readiness = await ready.Content.ReadAsStringAsync();
            Assert.Contains("postgres", readiness, StringComparison.Ordinal);
            Assert.DoesNotContain("redis", readiness, StringComparison.Ordinal);
        }
        finally
        {
            await store.Postgres.StartAgainAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(client, $"/p/{product.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(client, "/cart")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(client, $"/c/{category}")).StatusCode);
        var healthy = await RecoveredAsync(client, "/health/ready");
        Assert.Equal("Healthy", await healthy.Content.ReadAsStringAsync());
    }
}
