using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Security;

/// <summary>
/// The store with small real limits. The in-process test server has no client address, so each
/// request names the address it comes from in a test-only header.
/// </summary>
public sealed class LowRateLimitsFixture : ShopFixture
{
    public const string ClientHeader = "X-Test-Client-Address";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Search:PermitLimit"] = "5",
        ["RateLimits:Suggest:PermitLimit"] = "8",
        ["RateLimits:SearchClick:PermitLimit"] = "3",
        ["RateLimits:CartWrites:PermitLimit"] = "4",
        ["RateLimits:OrderTracking:PermitLimit"] = "3",
        ["RateLimits:SignIn:PermitLimit"] = "6",
        ["RateLimits:Registration:PermitLimit"] = "3",
        ["RateLimits:PasswordReset:PermitLimit"] = "3",
        ["RateLimits:PerAccount:PermitLimit"] = "4",
        ["RateLimits:PerAccount:Window"] = "00:10:00",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers[ClientHeader] is [{ } address]) http.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    public HttpClient ClientFrom(string address)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(ClientHeader, address);
        return client;
    }
}

public sealed class RateLimitTests(LowRateLimitsFixture store) : IClassFixture<LowRateLimitsFixture>
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string url, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(formPage));
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private static void AssertFriendlyWaitPage(HttpResponseMessage response, string body)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("Please wait a moment", body, StringComparison.Ordinal);
        Assert.Contains("try again", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_too_fast_gets_a_page_asking_to_wait_while_another_shopper_searches_on()
    {
        var robot = store.ClientFrom("203.0.113.10");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await robot.GetAsync($"/search?q=lamp{i}")).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);

        var refused = await robot.GetAsync("/search?q=chair");
        AssertFriendlyWaitPage(refused, await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("203.0.113.11").GetAsync("/search?q=lamp")).StatusCode);
    }

    [Fact]
    public async Task Parallel_suggestion_requests_past_the_limit_get_exactly_the_surplus_refused_as_problems()
    {
        var robot = store.ClientFrom("203.0.113.20");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => robot.GetAsync($"/api/search/suggest?q=la{i}")));
        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(12, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.MediaType);
            Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        });
        Assert.Contains("\"status\":429", await refused[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("203.0.113.21").GetAsync("/api/search/suggest?q=la")).StatusCode);
    }

    [Fact]
    public async Task Cart_writes_through_the_api_and_the_cart_page_share_one_limit_and_reading_the_cart_stays_free()
    {
        var product = await store.ProductAsync(onHand: 50);
        var robot = store.ClientFrom("203.0.113.30");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
            statuses.Add((await robot.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 })).StatusCode);
        for (var i = 0; i < 2; i++)
            statuses.Add((await PostFormAsync(robot, $"/p/{product.Slug}", "/cart?handler=Add", new Dictionary<string, string>
            {
                ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}",
            })).StatusCode);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        var refused = await robot.DeleteAsync($"/api/cart/lines/{product.Sku}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var page = await PostFormAsync(robot, $"/p/{product.Slug}", "/cart?handler=Add", new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}",
        });
        AssertFriendlyWaitPage(page, await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await robot.GetAsync("/api/cart")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await robot.GetAsync("/cart")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("203.0.113.31").PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 })).StatusCode);
    }

    [Fact]
    public async Task Guessing_orders_on_the_tracking_page_is_stopped_after_a_few_tries()
    {
        var robot = store.ClientFrom("203.0.113.40");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await PostFormAsync(robot, "/orders/track", "/orders/track", new Dictionary<string, string>
            {
                ["Number"] = $"SF-{1000 + i}", ["Email"] = "someone@example.test",
            })).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await robot.GetAsync("/orders/track")).StatusCode);
    }

    [Fact]
    public async Task Click_recording_is_limited_per_address()
    {
        var robot = store.ClientFrom("203.0.113.50");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await robot.PostAsync("/api/search/click", new FormUrlEncodedContent(new Dictionary<string, string> { ["product"] = "not-a-product" }))).StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Sign_in_attempts_on_one_account_from_many_addresses_are_stopped_while_other_accounts_sign_in()
    {
        var target = $"target-{Guid.NewGuid():N}@example.test";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            // A different address each time: only the per-account limit can stop this.
            var attacker = store.ClientFrom($"198.51.100.{i + 1}");
            statuses.Add((await PostFormAsync(attacker, "/account/login", "/account/login", new Dictionary<string, string>
            {
                ["Input.Email"] = target, ["Input.Password"] = $"Guess-Number-{i}",
            })).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        var other = await PostFormAsync(store.ClientFrom("198.51.100.1"), "/account/login", "/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = $"other-{Guid.NewGuid():N}@example.test", ["Input.Password"] = "Some-Password-1",
        });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_stopped_whatever_account_they_try()
    {
        var robot = store.ClientFrom("198.51.100.200");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await PostFormAsync(robot, "/account/login", "/account/login", new Dictionary<string, string>
            {
                ["Input.Email"] = $"spray-{i}-{Guid.NewGuid():N}@example.test", ["Input.Password"] = "Spring-Password-1",
            })).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 6), HttpStatusCode.TooManyRequests], statuses);
        // The sign-in form itself is not counted.
        Assert.Equal(HttpStatusCode.OK, (await robot.GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task Registration_and_password_reset_requests_are_limited_per_address()
    {
        var robot = store.ClientFrom("198.51.100.210");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await PostFormAsync(robot, "/account/forgot-password", "/account/forgot-password",
                new Dictionary<string, string> { ["Email"] = $"reset-{i}-{Guid.NewGuid():N}@example.test" })).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);

        statuses.Clear();
        for (var i = 0; i < 4; i++)
            statuses.Add((await PostFormAsync(robot, "/account/register", "/account/register", new Dictionary<string, string>
            {
                ["Input.DisplayName"] = "Robo", ["Input.Email"] = $"robo-{i}-{Guid.NewGuid():N}@example.test",
                ["Input.Password"] = "Robot-Password-1", ["Input.ConfirmPassword"] = "Robot-Password-1",
            })).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public void The_limits_come_from_configuration()
    {
        var options = store.Services.GetRequiredService<IOptionsMonitor<Storefront.Web.Infrastructure.RateLimitPolicyOptions>>();
        Assert.Equal(4, options.Get("PerAccount").PermitLimit);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Get("PerAccount").Window);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Get("Search").Window);
    }

    [Fact]
    public async Task A_bad_rate_limit_setting_stops_the_store_at_start_with_a_clear_message()
    {
        await using var factory = new StorefrontFactory(store.ConnectionString, store.RedisConnectionString,
            new Dictionary<string, string?> { ["RateLimits:SignIn:PermitLimit"] = "0" });
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        Assert.Contains("RateLimits:SignIn:PermitLimit must be between 1 and 1000000.", error.ToString(), StringComparison.Ordinal);
    }
}
