using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>A small demo catalog; each test takes products of its own and sets their stock.</summary>
public class ShopFixture : StoreFixture
{
    private int _next;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(120);
    }

    public sealed record TestProduct(Guid Id, string Sku, string Slug, string Title, decimal Price);

    /// <summary>A product no other test uses, with exactly <paramref name="onHand"/> units.</summary>
    public async Task<TestProduct> ProductAsync(int onHand)
    {
        var index = Interlocked.Increment(ref _next);
        TestProduct product;
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT p.id, p.sku, p.slug, p.title, s.price FROM catalog.products p JOIN inventory.stock_items s ON s.sku = p.sku
                WHERE p.is_published ORDER BY p.sku OFFSET @n LIMIT 1
                """, connection);
            command.Parameters.AddWithValue("n", index);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            product = new TestProduct(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4));
        }
        using var scope = Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<IPricesAndStock>()
            .SetOnHandAsync(product.Sku, onHand, new StockChangeContext("test", "Test stock"), default);
        Assert.True(result.Succeeded, English.Of(result.Problem));
        return product;
    }

    /// <summary>
    /// A product no other test uses, once the evictions its stock change causes are over (delivered,
    /// and repeated after the settle delay), so they cannot empty the page cache under a test.
    /// </summary>
    public async Task<TestProduct> SettledProductAsync(int onHand)
    {
        var product = await ProductAsync(onHand);
        await DrainOutboxAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        return product;
    }

    public async Task<int> AvailableAsync(string sku)
    {
        using var scope = Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IStockReservations>().AvailabilityAsync([sku], default))[sku];
    }
}

public sealed class CartStoreFixture : ShopFixture;

public sealed class CartPagesTests(CartStoreFixture store) : IClassFixture<CartStoreFixture>
{
    /// <summary>The product page's add form, as a shopper sends it (the cached page carries no token).</summary>
    private static async Task<HttpResponseMessage> AddAsync(HttpClient client, ShopFixture.TestProduct product, string quantity)
    {
        await client.GetStringAsync($"/p/{product.Slug}");
        var form = new Dictionary<string, string> { ["sku"] = product.Sku, ["quantity"] = quantity, ["returnUrl"] = $"/p/{product.Slug}" };
        return await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form));
    }

    private static async Task<HttpResponseMessage> PostCartFormAsync(HttpClient client, string handler, Dictionary<string, string> form, string? token = null)
    {
        form["__RequestVerificationToken"] = token ?? Html.AntiforgeryToken(await client.GetStringAsync("/cart"));
        return await client.PostAsync($"/cart?handler={handler}", new FormUrlEncodedContent(form));
    }

    private static async Task<AngleSharp.Dom.IDocument> DocumentAsync(HttpResponseMessage response) =>
        await Html.ParseAsync(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task Adding_from_the_product_page_holds_the_stock_and_the_header_counts_it()
    {
        var product = await store.ProductAsync(onHand: 10);
        var client = store.Client();
        var response = await AddAsync(client, product, "2");

        Assert.Equal($"/p/{product.Slug}", response.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await DocumentAsync(response);
        Assert.Equal($"Added 2 × “{product.Title}” to your cart.", page.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Equal("2", page.QuerySelector(".mini-cart .cart-count")!.TextContent);
        Assert.Equal(8, await store.AvailableAsync(product.Sku));

        var cart = await client.GetDocumentAsync("/cart");
        var line = cart.QuerySelector($"tr.cart-line[data-sku='{product.Sku}']")!;
        Assert.Equal("2", line.QuerySelector("input[name=quantity]")!.GetAttribute("value"));
        Assert.Matches(@"^Held for you for 1[45] min \d\d s$", line.QuerySelector(".held")!.TextContent.Trim());
        // The line's 64-pixel picture asks for the smallest size, not the 800-pixel original.
        var picture = line.QuerySelector("picture img")!;
        Assert.Matches(@"^/media/demo/[a-z-]+/\d+/1-160\.png$", picture.GetAttribute("src"));
        Assert.StartsWith("/media/demo/", line.QuerySelector("picture source[type='image/webp']")!.GetAttribute("srcset"), StringComparison.Ordinal);
        Assert.Contains($"${product.Price * 2:#,##0.00}", cart.QuerySelector(".cart-summary .subtotal")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("We are holding your items for", cart.QuerySelector(".hold-time")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shopper_who_cannot_get_the_stock_is_told_on_the_page_and_nothing_changes()
    {
        var product = await store.ProductAsync(onHand: 1);
        var client = store.Client();
        var page = await DocumentAsync(await AddAsync(client, product, "2"));
        Assert.Equal("Sorry, only 1 left.", page.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Equal("0", page.QuerySelector(".mini-cart .cart-count")!.TextContent);
        Assert.Equal(1, await store.AvailableAsync(product.Sku));
    }

    [Theory]
    [InlineData("0", "Enter a whole number of 1 or more as the quantity.")]
    [InlineData("-1", "Enter a whole number of 1 or more as the quantity.")]
    [InlineData("abc", "Enter a whole number of 1 or more as the quantity.")]
    [InlineData("", "Enter a whole number of 1 or more as the quantity.")]
    [InlineData("2.5", "Enter a whole number of 1 or more as the quantity.")]
    [InlineData("99999999999999999999", "Enter a quantity of at most 10,000.")]
    [InlineData("100", "Choose a quantity from 1 to 99.")]
    public async Task Bad_quantities_get_a_clear_message_and_change_nothing(string quantity, string message)
    {
        var product = await store.ProductAsync(onHand: 500);
        var client = store.Client();
        var response = await AddAsync(client, product, quantity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await DocumentAsync(response);
        Assert.Equal(message, page.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Equal(500, await store.AvailableAsync(product.Sku));
        Assert.NotNull((await client.GetDocumentAsync("/cart")).QuerySelector(".empty-cart"));
    }

    [Fact]
    public async Task An_unknown_product_is_refused_with_a_message()
    {
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        var response = await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = "NO-SUCH-SKU", ["quantity"] = "1", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("That product is not available to buy.", (await DocumentAsync(response)).QuerySelector("[role=alert].flash")!.TextContent);
    }

    [Fact]
    public async Task The_add_form_of_a_cached_product_page_needs_no_token_but_another_sites_copy_of_it_is_refused()
    {
        var product = await store.ProductAsync(onHand: 5);
        var page = await store.Client().GetStringAsync($"/p/{product.Slug}");
        Assert.DoesNotContain("__RequestVerificationToken", page, StringComparison.Ordinal);

        var client = store.Client();
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/cart?handler=Add")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["sku"] = product.Sku, ["quantity"] = "1" }),
        };
        foreign.Headers.Add("Sec-Fetch-Site", "cross-site");
        var refused = await client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Sent from another site", (await DocumentAsync(refused)).QuerySelector("h1")!.TextContent);
        Assert.Equal(5, await store.AvailableAsync(product.Sku));

        Assert.Equal(HttpStatusCode.OK, (await AddAsync(client, product, "1")).StatusCode);
        Assert.Equal(4, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_tampered_cart_cookie_starts_a_new_cart_with_a_message_and_leaves_the_old_one_alone()
    {
        var product = await store.ProductAsync(onHand: 5);
        var (client, jar) = store.ClientWithCookieJar();
        await AddAsync(client, product, "1");
        var cookie = jar.GetCookies(client.BaseAddress!)["storefront.cart"] ?? throw new InvalidOperationException("No cart cookie was set.");
        Assert.True(cookie.HttpOnly);

        var tampered = store.Client();
        var forged = cookie.Value[..^4] + (cookie.Value.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        tampered.DefaultRequestHeaders.Add("Cookie", $"storefront.cart={forged}");
        var response = await tampered.GetAsync("/cart");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await DocumentAsync(response);
        Assert.Equal("We could not read your cart cookie, so a new cart has been started.", page.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.NotNull(page.QuerySelector(".empty-cart"));

        // The real cart is untouched.
        Assert.Equal("1", (await client.GetDocumentAsync("/cart")).QuerySelector(".cart-count")!.TextContent);
        Assert.Equal(4, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task Updating_and_removing_lines_changes_the_hold_and_a_stale_form_brings_nothing_back()
    {
        var product = await store.ProductAsync(onHand: 20);
        var client = store.Client();
        await AddAsync(client, product, "1");
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/cart"));

        var updated = await DocumentAsync(await PostCartFormAsync(client, "Update", new() { ["sku"] = product.Sku, ["quantity"] = "4" }, token));
        Assert.Equal("Your cart has been updated.", updated.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Equal(16, await store.AvailableAsync(product.Sku));

        var tooMany = await DocumentAsync(await PostCartFormAsync(client, "Update", new() { ["sku"] = product.Sku, ["quantity"] = "21" }, token));
        Assert.Equal("Sorry, only 20 available; your cart already has 4.", tooMany.QuerySelector("[role=alert].flash")!.TextContent);

        var removed = await DocumentAsync(await PostCartFormAsync(client, "Remove", new() { ["sku"] = product.Sku }, token));
        Assert.Equal("Removed from your cart.", removed.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Equal(20, await store.AvailableAsync(product.Sku));

        // The same form again, from a tab that still shows the line.
        var stale = await DocumentAsync(await PostCartFormAsync(client, "Update", new() { ["sku"] = product.Sku, ["quantity"] = "2" }, token));
        Assert.Equal("That product is no longer in your cart.", stale.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.NotNull(stale.QuerySelector(".empty-cart"));
        Assert.Equal(20, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task The_cart_says_when_a_price_changed_and_when_a_product_is_no_longer_sold()
    {
        var repriced = await store.ProductAsync(onHand: 10);
        var withdrawn = await store.ProductAsync(onHand: 10);
        var client = store.Client();
        await AddAsync(client, repriced, "1");
        await AddAsync(client, withdrawn, "1");
        using (var scope = store.Services.CreateScope())
        {
            var newPrice = repriced.Price + 5m;
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(repriced.Sku, newPrice, "USD", default)).Succeeded);
            Assert.True(await scope.ServiceProvider.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(withdrawn.Id, false, default));
        }

        var cart = await client.GetDocumentAsync("/cart");
        var line = cart.QuerySelector($"tr.cart-line[data-sku='{repriced.Sku}'] .line-message")!;
        Assert.Equal($"Price changed from ${repriced.Price:#,##0.00} to ${repriced.Price + 5m:#,##0.00}.", line.TextContent);
        var gone = cart.QuerySelector($"tr.cart-line[data-sku='{withdrawn.Sku}']")!;
        Assert.Contains("unavailable", gone.ClassName, StringComparison.Ordinal);
        Assert.Equal("This product is no longer available. Please remove it.", gone.QuerySelector(".line-message")!.TextContent);
        Assert.Equal("Product no longer sold", gone.QuerySelector(".product-cell span")!.TextContent);
        Assert.Contains($"${repriced.Price + 5m:#,##0.00}", cart.QuerySelector(".subtotal")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(cart.QuerySelector(".cart-summary [role=alert]"));
    }

    [Fact]
    public async Task Signing_in_brings_the_anonymous_cart_into_the_account_cart()
    {
        var product = await store.ProductAsync(onHand: 20);
        var email = $"merge-{Guid.NewGuid():N}@example.test";
        var shopper = store.Client();
        await AccountPagesTests.RegisterAndConfirmAsync(store, shopper, email, "Merge-Shopper-2024");
        await AddAsync(shopper, product, "1");
        await shopper.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(await shopper.GetStringAsync("/cart")),
        }));
        Assert.Equal(0, await StoreFixture.HeaderCartCountAsync(shopper));

        await AddAsync(shopper, product, "2");
        await StoreFixture.SignInAsync(shopper, email, "Merge-Shopper-2024");
        var cart = await shopper.GetDocumentAsync("/cart");
        Assert.Equal("3", cart.QuerySelector($"tr.cart-line[data-sku='{product.Sku}'] input[name=quantity]")!.GetAttribute("value"));
        Assert.Equal(17, await store.AvailableAsync(product.Sku));

        // Another device that signs in sees the same cart.
        var laptop = store.Client();
        await StoreFixture.SignInAsync(laptop, email, "Merge-Shopper-2024");
        Assert.Equal(3, await StoreFixture.HeaderCartCountAsync(laptop));
    }

    [Fact]
    public async Task The_JSON_cart_answers_with_the_cart_or_an_RFC_7807_problem()
    {
        var product = await store.ProductAsync(onHand: 8);
        var client = store.Client();
        var empty = await client.GetFromJsonAsync<JsonElement>("/api/cart");
        Assert.Equal(0, empty.GetProperty("itemCount").GetInt32());

        var added = await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var cart = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, cart.GetProperty("itemCount").GetInt32());
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("lines")[0].GetProperty("quantity").GetInt32());

        var tooMany = await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 7 });
        await AssertProblemAsync(tooMany, HttpStatusCode.Conflict, "Sorry, only 8 available; your cart already has 2.");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/cart/lines", new { sku = "NO-SUCH", quantity = 1 }), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = -4 }), HttpStatusCode.BadRequest, "Choose a quantity from 1 to 99.");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku }), HttpStatusCode.BadRequest, null);
        await AssertProblemAsync(await client.PostAsync("/api/cart/lines", new StringContent("{\"sku\": ", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, null);
        await AssertProblemAsync(await client.PostAsync("/api/cart/lines", new StringContent("{\"quantity\": \"lots\"}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, null);
        await AssertProblemAsync(await client.PostAsync("/api/cart/lines", new FormUrlEncodedContent(new Dictionary<string, string> { ["sku"] = product.Sku })), HttpStatusCode.UnsupportedMediaType, null);
        await AssertProblemAsync(await client.PutAsJsonAsync("/api/cart/lines/NOT-IN-CART", new { quantity = 1 }), HttpStatusCode.NotFound, "That product is no longer in your cart.");

        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>("/api/cart")).GetProperty("itemCount").GetInt32());
        Assert.Equal(6, await store.AvailableAsync(product.Sku));
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/cart/lines/{product.Sku}")).StatusCode);
        Assert.Equal(8, await store.AvailableAsync(product.Sku));
    }

    [Fact]
    public async Task A_double_click_on_a_first_visit_adds_once_to_one_cart_and_holds_one_unit()
    {
        var product = await store.ProductAsync(onHand: 100);
        var (client, jar) = store.ClientWithCookieJar();
        await client.GetStringAsync($"/p/{product.Slug}");
        var click = Guid.NewGuid().ToString("N");
        var form = new Dictionary<string, string> { ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}", ["addId"] = click };

        // The same click six times at once, from a browser that has no cart yet.
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(99, await store.AvailableAsync(product.Sku));
        var line = (await client.GetDocumentAsync("/cart")).QuerySelector($"tr.cart-line[data-sku='{product.Sku}'] input[name=quantity]")!;
        Assert.Equal("1", line.GetAttribute("value"));
        Assert.Single(jar.GetAllCookies(), c => c.Name == Storefront.Web.Shopping.ShopperCart.CookieName);
        // The click's mark is kept for a while, then forgotten.
        var redis = store.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        var marks = store.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetServers()[0]
            .Keys(pattern: $"cart:*:add:{click}:{product.Sku}").ToList();
        var mark = Assert.Single(marks);
        Assert.InRange((await redis.KeyTimeToLiveAsync(mark))!.Value, TimeSpan.FromMinutes(9), Storefront.Cart.Contracts.CartAddIds.Remembered);

        // The same click again a moment later (a resent form) still adds nothing; a new click adds one more.
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form));
        Assert.Equal(99, await store.AvailableAsync(product.Sku));
        form["addId"] = Guid.NewGuid().ToString("N");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form));
        Assert.Equal(98, await store.AvailableAsync(product.Sku));

        // Without an id (no script), or with one that is not an id, every request adds.
        form.Remove("addId");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form));
        form["addId"] = "short";
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(form));
        Assert.Equal(96, await store.AvailableAsync(product.Sku));
        Assert.Equal("4", (await client.GetDocumentAsync("/cart")).QuerySelector($"tr.cart-line[data-sku='{product.Sku}'] input[name=quantity]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task The_bundle_sent_twice_at_once_adds_each_product_once()
    {
        var (first, second) = (await store.ProductAsync(onHand: 100), await store.ProductAsync(onHand: 100));
        var client = store.Client();
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(client, first, "1")).StatusCode);
        Assert.Equal(99, await store.AvailableAsync(first.Sku));
        var click = Guid.NewGuid().ToString("N");
        FormUrlEncodedContent Bundle() => new([new("sku", first.Sku), new("sku", second.Sku), new("returnUrl", $"/p/{first.Slug}"), new("addId", click)]);

        await Task.WhenAll(client.PostAsync("/cart?handler=AddBundle", Bundle()), client.PostAsync("/cart?handler=AddBundle", Bundle()));
        Assert.Equal(98, await store.AvailableAsync(first.Sku));
        Assert.Equal(99, await store.AvailableAsync(second.Sku));
        var cart = await client.GetDocumentAsync("/cart");
        Assert.Equal("2", cart.QuerySelector($"tr.cart-line[data-sku='{first.Sku}'] input[name=quantity]")!.GetAttribute("value"));
        Assert.Equal("1", cart.QuerySelector($"tr.cart-line[data-sku='{second.Sku}'] input[name=quantity]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task The_cart_api_adds_once_per_idempotency_key_and_refuses_a_malformed_key()
    {
        var product = await store.ProductAsync(onHand: 100);
        var client = store.Client();
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Add(string idempotencyKey) => new(HttpMethod.Post, "/api/cart/lines")
        {
            Content = JsonContent.Create(new { sku = product.Sku, quantity = 2 }),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        };

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.SendAsync(Add(key))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (var answer in answers)
            Assert.Equal(2, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemCount").GetInt32());
        Assert.Equal(98, await store.AvailableAsync(product.Sku));

        await AssertProblemAsync(await client.SendAsync(Add("not a key!")), HttpStatusCode.BadRequest, null);
        Assert.Equal(98, await store.AvailableAsync(product.Sku));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Add(Guid.NewGuid().ToString()))).StatusCode);
        Assert.Equal(96, await store.AvailableAsync(product.Sku));
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.TryGetProperty("title", out _));
        if (detail is not null) Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }
}

public sealed class HeaderReadsOnlyFixture : ShopFixture;

/// <summary>Rendering a page (its header with the cart count) changes nothing: no cart, no merge, no cookie.</summary>
public sealed class HeaderReadsOnlyTests(HeaderReadsOnlyFixture store) : IClassFixture<HeaderReadsOnlyFixture>
{
    [Fact]
    public async Task A_signed_in_shopper_without_a_cart_cookie_gets_the_count_but_no_cookie_from_viewing_a_page()
    {
        var email = $"header-{Guid.NewGuid():N}@example.test";
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Storefront.Web.Identity.StoreUser>>();
            Assert.True((await users.CreateAsync(new Storefront.Web.Identity.StoreUser { UserName = email, Email = email, DisplayName = "Hal", EmailConfirmed = true }, "Header-Password-1")).Succeeded);
        }
        var (client, jar) = store.ClientWithCookieJar();
        await StoreFixture.SignInAsync(client, email, "Header-Password-1");
        var product = await store.ProductAsync(10);
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "2", ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));

        // The cart cookie is gone (another device, a cleared cookie); the sign-in cookie stays.
        jar.Add(new System.Net.Cookie(Storefront.Web.Shopping.ShopperCart.CookieName, "", "/", "localhost") { Expired = true });
        Assert.DoesNotContain(jar.GetCookies(new Uri("http://localhost/")), c => c.Name == Storefront.Web.Shopping.ShopperCart.CookieName);
        // A page rendered for the shopper (their account) counts in its header; the cached pages ask /api/visitor.
        var account = await client.GetDocumentAsync("/account");
        Assert.Equal("2", account.QuerySelector(".cart-count")!.TextContent);
        var visitor = await (await client.PostAsync("/api/visitor", new FormUrlEncodedContent([]))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, visitor.GetProperty("cartCount").GetInt32());
        Assert.True(visitor.GetProperty("signedIn").GetBoolean());
        Assert.DoesNotContain(jar.GetCookies(new Uri("http://localhost/")), c => c.Name == Storefront.Web.Shopping.ShopperCart.CookieName);
    }
}
