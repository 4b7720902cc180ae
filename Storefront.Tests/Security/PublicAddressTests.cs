using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Security;

/// <summary>A development store whose public address is set: links never follow the request's Host header.</summary>
public sealed class PublicAddressFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storefront:PublicUrl"] = "https://shop.example.test",
    };
}

public sealed partial class PublicAddressTests(PublicAddressFixture store) : IClassFixture<PublicAddressFixture>
{
    [Fact]
    public async Task A_reset_link_points_at_the_configured_address_whatever_host_the_request_names()
    {
        var email = $"poisoned-{Guid.NewGuid():N}@example.test";
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            Assert.True((await users.CreateAsync(new StoreUser { UserName = email, Email = email, DisplayName = "Pat" }, "Long-Password-1")).Succeeded);
        }
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/forgot-password"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/forgot-password")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = email, ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Host = "evil.example";
        var answer = await client.SendAsync(request);
        Assert.True(answer.IsSuccessStatusCode, (int)answer.StatusCode + ": " + await answer.Content.ReadAsStringAsync());

        var mail = await MailAsync(email);
        Assert.DoesNotContain("evil.example", mail, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"https://shop\.example\.test/account/reset-password\?email=[^\s]+&token=", mail);
    }

    [Fact]
    public void Order_e_mails_and_every_other_link_share_the_one_configured_address()
    {
        var links = store.Services.GetRequiredService<Storefront.BuildingBlocks.Links.IStoreLinks>();
        Assert.Equal("https://shop.example.test/orders/track", links.Absolute("/orders/track"));
        Assert.Throws<ArgumentException>(() => links.Absolute("//evil.example/x"));
    }

    private async Task<string> MailAsync(string email)
    {
        var folder = Path.Combine(store.Factory.DataPath, "mail");
        for (var i = 0; i < 100; i++)
        {
            if (Directory.Exists(folder)
                && Directory.GetFiles(folder, "*.eml").Select(File.ReadAllText).FirstOrDefault(m => m.Contains(email, StringComparison.OrdinalIgnoreCase)) is { } mail)
                return SoftBreak().Replace(mail, "").Replace("=3D", "=", StringComparison.Ordinal);
            await Task.Delay(50);
        }
        throw new InvalidOperationException("No e-mail for " + email);
    }

    [GeneratedRegex("=\r?\n")]
    private static partial Regex SoftBreak();
}

/// <summary>A production store behind a TLS-terminating proxy on the same machine (loopback is a trusted proxy).</summary>
public sealed class BehindProxyFixture : StoreFixture
{
    protected override bool RealPort => true;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["environment"] = "Production",
        ["Storefront:PublicUrl"] = "https://shop.example.test",
    };
}

public sealed class BehindProxyTests(BehindProxyFixture store) : IClassFixture<BehindProxyFixture>
{
    private HttpClient Raw() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = store.BaseAddress };

    private static HttpRequestMessage Get(string path, string host = "shop.example.test", string? forwardedProto = "https")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return request;
    }

    [Fact]
    public async Task A_request_naming_another_host_is_refused()
    {
        using var client = Raw();
        var response = await client.SendAsync(Get("/", host: "evil.example"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/"))).StatusCode);
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_the_https_address_but_health_probes_are_not()
    {
        using var client = Raw();
        var page = await client.SendAsync(Get("/cart", forwardedProto: null));
        Assert.Equal(HttpStatusCode.PermanentRedirect, page.StatusCode);
        Assert.Equal("https://shop.example.test/cart", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/health/live", host: "localhost", forwardedProto: null))).StatusCode);
    }

    [Fact]
    public async Task Over_https_through_the_proxy_hsts_is_sent_and_every_cookie_is_secure()
    {
        using var client = Raw();
        var login = await client.SendAsync(Get("/account/login"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True(login.Headers.Contains("Strict-Transport-Security"), "HSTS header missing");
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);

        // Sign in, which sets the sign-in cookie (and the cart and TempData cookies as it goes).
        var email = $"secure-{Guid.NewGuid():N}@example.test";
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            Assert.True((await users.CreateAsync(new StoreUser { UserName = email, Email = email, DisplayName = "Sky", EmailConfirmed = true }, "Long-Password-1")).Succeeded);
        }
        var html = await login.Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email, ["Input.Password"] = "Long-Password-1", ["__RequestVerificationToken"] = Html.AntiforgeryToken(html),
            }),
        };
        post.Headers.Host = "shop.example.test";
        post.Headers.Add("X-Forwarded-Proto", "https");
        post.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Split(';')[0])));
        var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        cookies.AddRange(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains(cookies, c => c.StartsWith("storefront.auth=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>A production store on a plain-HTTP address, as a local docker compose runs it.</summary>
public sealed class PlainHttpProductionFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["environment"] = "Production",
        ["Storefront:PublicUrl"] = "http://localhost:8080",
    };
}

public sealed class PlainHttpProductionTests(PlainHttpProductionFixture store) : IClassFixture<PlainHttpProductionFixture>
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/account/register")]
    [InlineData("/orders/track")]
    [InlineData("/cart")]
    public async Task Pages_with_forms_are_served_over_plain_http(string path)
    {
        var response = await store.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}

public sealed class PublicAddressValidationTests
{
    [Theory]
    [InlineData("Development", "shop.example.test", "must be an http:// or https:// address")]
    [InlineData("Development", "https://shop.example.test/shop?x=1", "must be an http:// or https:// address")]
    [InlineData("Production", "", "Storefront:PublicUrl is not set")]
    public async Task A_store_with_a_missing_or_malformed_public_address_does_not_start(string environment, string url, string message)
    {
        var database = await TestInfrastructure.CreateDatabaseAsync();
        var redis = await TestInfrastructure.CreateRedisDatabaseAsync();
        await using var factory = new StorefrontFactory(database, redis, new Dictionary<string, string?>
        {
            ["environment"] = environment, ["Storefront:PublicUrl"] = url,
        });
        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);
        var messages = string.Join(" | ", Flatten(failure).Select(e => e.Message));
        Assert.Contains(message, messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
    }
}

/// <summary>A store whose Redis cannot be reached.</summary>
public sealed class RedisDownFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = "127.0.0.1:1,abortConnect=false,connectTimeout=200,syncTimeout=500,asyncTimeout=500,connectRetry=0",
    };
}

public sealed class AccountMailsWithoutRedisTests(RedisDownFixture store) : IClassFixture<RedisDownFixture>
{
    [Fact]
    public async Task A_password_reset_is_still_mailed_when_redis_is_down()
    {
        var email = $"no-redis-{Guid.NewGuid():N}@example.test";
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            Assert.True((await users.CreateAsync(new StoreUser { UserName = email, Email = email, DisplayName = "Ned", EmailConfirmed = true }, "Long-Password-1")).Succeeded);
        }
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/forgot-password"));
        var answer = await client.PostAsync("/account/forgot-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("If an account exists for that address", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Mailbox.For(store, email));
    }
}
