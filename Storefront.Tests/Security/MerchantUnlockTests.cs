using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Security;

/// <summary>
/// The store with its default per-account sign-in limit lowered to 8 and the unlock pages to 3 per
/// client address; each request names the address it comes from.
/// </summary>
public sealed class MerchantUnlockFixture : StoreFixture
{
    public const int PerAccountLimit = 8;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PerAccount:PermitLimit"] = PerAccountLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:PerAccount:Window"] = "00:10:00",
        ["RateLimits:MerchantUnlock:PermitLimit"] = "3",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>();

    public HttpClient ClientFrom(string address)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(ClientAddressStartupFilter.Header, address);
        return client;
    }

    /// <summary>A merchant account of its own (the store's Admin role, address confirmed) for one test.</summary>
    public async Task<(string Email, string Password)> MerchantAsync()
    {
        var (email, password) = ($"merchant-{Guid.NewGuid():N}@example.test", "Merchant-Password-1");
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
        var user = new StoreUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Merchant" };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
        return (email, password);
    }
}

public sealed class MerchantUnlockTests(MerchantUnlockFixture store) : IClassFixture<MerchantUnlockFixture>
{
    private const string Mismatch = "That e-mail and password do not match an account.";
    private const string UnlockSubject = "Sign-in to your Storefront merchant account is paused";

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? token = null)
    {
        token ??= Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    private static async Task<string> AlertOfAsync(HttpResponseMessage response) =>
        (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")?.TextContent ?? "";

    /// <summary>Opens the unlock link and gives <paramref name="password"/> on its page.</summary>
    private static async Task<HttpResponseMessage> UnlockAsync(HttpClient client, Uri link, string password)
    {
        var page = await Html.ParseAsync(await client.GetStringAsync(link.PathAndQuery));
        var form = page.QuerySelector("main form[method=post]") ?? throw new InvalidOperationException("The unlock page shows no form: " + page.QuerySelector("main")?.TextContent);
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["Input.Password"] = password;
        return await client.PostAsync("/account/unlock", new FormUrlEncodedContent(fields));
    }

    private static async Task<bool> IsMerchantAsync(HttpClient client) =>
        (await client.GetAsync("/admin")).RequestMessage!.RequestUri!.AbsolutePath == "/admin";

    [Fact]
    public async Task Failed_sign_ins_pause_a_merchant_until_the_emailed_link_and_their_password_unlock_it()
    {
        var (email, password) = await store.MerchantAsync();
        var client = store.ClientFrom("192.0.2.10");
        for (var i = 0; i < 5; i++) Assert.Equal(Mismatch, await AlertOfAsync(await SignInAsync(client, email, $"Wrong-Password-{i}")));
        var mail = Assert.Single(Mailbox.For(store, email, UnlockSubject));
        Assert.Contains("http://localhost:5000/account/unlock?", mail, StringComparison.Ordinal);

        // Paused: the right password alone gets the same answer as a wrong one, and no second e-mail.
        Assert.Equal(Mismatch, await AlertOfAsync(await SignInAsync(client, email, password)));
        Assert.False(await IsMerchantAsync(client));
        Assert.Single(Mailbox.For(store, email, UnlockSubject));

        // The link and a wrong password: refused, still paused.
        var link = await Mailbox.LinkAsync(store, email, "/account/unlock");
        var wrong = await UnlockAsync(client, link, "Not-The-Password-1");
        Assert.Contains("That is not the password of this account.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await IsMerchantAsync(client));

        // The link and the password: unlocked and signed in, on the admin pages.
        var unlocked = await UnlockAsync(client, link, password);
        Assert.Equal("/admin", unlocked.RequestMessage!.RequestUri!.AbsolutePath, ignoreCase: true);
        Assert.Contains("Your account is unlocked and you are signed in.", await unlocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await IsMerchantAsync(client));

        // The link works once; the password works on the sign-in page again.
        var again = await store.ClientFrom("192.0.2.11").GetStringAsync(link.PathAndQuery);
        Assert.Contains("This unlock link is not valid, has expired or has been used already.", again, StringComparison.Ordinal);
        var other = store.ClientFrom("192.0.2.12");
        Assert.Equal("/", (await SignInAsync(other, email, password)).RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True(await IsMerchantAsync(other));
    }

    [Fact]
    public async Task The_unlock_link_of_a_merchant_with_two_step_sign_in_leads_to_the_ordinary_sign_in_with_the_code()
    {
        var (email, password) = await store.MerchantAsync();
        string key;
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        }
        var client = store.ClientFrom("192.0.2.50");
        for (var i = 0; i < 5; i++) await SignInAsync(client, email, $"Wrong-Password-{i}");
        var link = await Mailbox.LinkAsync(store, email, "/account/unlock");

        // The link and the password unlock, but do not sign in: the code is still asked for.
        var unlocked = await UnlockAsync(client, link, password);
        Assert.Equal("/account/login", unlocked.RequestMessage!.RequestUri!.AbsolutePath, ignoreCase: true);
        Assert.Contains("Your account is unlocked. Sign in with your password and the code of your app.", await unlocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await IsMerchantAsync(client));
        var codePage = await TwoStepTests.PasswordAsync(client, email, password);
        Assert.Equal("/account/login/two-step", codePage.RequestMessage!.RequestUri!.AbsolutePath);
        await TwoStepTests.CodeAsync(client, codePage, Authenticator.Code(key, DateTimeOffset.UtcNow));
        Assert.True(await IsMerchantAsync(client));
    }

    [Fact]
    public async Task The_unlock_link_gets_the_merchant_in_while_their_address_is_hammered_from_many_addresses()
    {
        var (email, password) = await store.MerchantAsync();

        // Forty guesses at once, each from its own address: the per-account limit lets exactly eight
        // reach the password check; those pause the merchant, who is e-mailed once.
        async Task<List<HttpStatusCode>> HammerAsync(int wave, int count)
        {
            var attackers = new List<(HttpClient Client, string Token)>();
            for (var i = 0; i < count; i++)
            {
                var attacker = store.ClientFrom($"198.18.{wave}.{i + 1}");
                attackers.Add((attacker, Html.AntiforgeryToken(await attacker.GetStringAsync("/account/login"))));
            }
            var responses = await Task.WhenAll(attackers.Select((a, i) => SignInAsync(a.Client, email, $"Guess-{wave}-{i}-Password", a.Token)));
            return responses.Select(r => r.StatusCode).ToList();
        }

        var first = await HammerAsync(1, 40);
        Assert.Equal(MerchantUnlockFixture.PerAccountLimit, first.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40 - MerchantUnlockFixture.PerAccountLimit, first.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Single(Mailbox.For(store, email, UnlockSubject));

        // The merchant's own sign-in is turned away by the per-account limit...
        var merchant = store.ClientFrom("192.0.2.20");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(merchant, email, password)).StatusCode);

        // ...but the link works, while a second wave of guesses is under way.
        var link = await Mailbox.LinkAsync(store, email, "/account/unlock");
        var second = HammerAsync(2, 20);
        var unlocked = await UnlockAsync(merchant, link, password);
        Assert.All(await second, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal("/admin", unlocked.RequestMessage!.RequestUri!.AbsolutePath, ignoreCase: true);
        Assert.True(await IsMerchantAsync(merchant));
        Assert.Single(Mailbox.For(store, email, UnlockSubject));
    }

    [Fact]
    public async Task Asking_for_an_unlock_link_answers_the_same_for_any_address_and_mails_a_paused_merchant_at_most_once_per_interval()
    {
        var (paused, _) = await store.MerchantAsync();
        var (active, _) = await store.MerchantAsync();
        var client = store.ClientFrom("192.0.2.30");
        for (var i = 0; i < 5; i++) await SignInAsync(client, paused, $"Wrong-Password-{i}");
        Assert.Single(Mailbox.For(store, paused, UnlockSubject));

        async Task<string> AskAsync(HttpClient from, string email)
        {
            var token = Html.AntiforgeryToken(await from.GetStringAsync("/account/unlock-link"));
            var response = await from.PostAsync("/account/unlock-link", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["__RequestVerificationToken"] = token,
            }));
            return (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent;
        }

        var answers = new[]
        {
            await AskAsync(store.ClientFrom("192.0.2.31"), paused),
            await AskAsync(store.ClientFrom("192.0.2.32"), active),
            await AskAsync(store.ClientFrom("192.0.2.33"), $"nobody-{Guid.NewGuid():N}@example.test"),
        };
        Assert.Single(answers.Distinct());
        Assert.Contains("If that address belongs to a merchant account whose sign-in is paused", answers[0], StringComparison.Ordinal);
        // Within the interval nothing more is sent, and a merchant who is not paused gets nothing.
        Assert.Single(Mailbox.For(store, paused, UnlockSubject));
        Assert.Empty(Mailbox.For(store, active));

        // Once the interval is over (its Redis key gone), asking sends a new link.
        await store.FlushRedisAsync();
        await AskAsync(store.ClientFrom("192.0.2.34"), paused);
        Assert.Equal(2, Mailbox.For(store, paused, UnlockSubject).Count);
    }

    [Fact]
    public async Task The_unlock_pages_are_limited_per_client_address()
    {
        var robot = store.ClientFrom("192.0.2.40");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var token = Html.AntiforgeryToken(await robot.GetStringAsync("/account/unlock-link"));
            statuses.Add((await robot.PostAsync("/account/unlock", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.User"] = Guid.NewGuid().ToString(), ["Input.Token"] = "made-up", ["Input.Password"] = "Some-Password-1",
                ["__RequestVerificationToken"] = token,
            }))).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("192.0.2.41").GetAsync("/account/unlock-link")).StatusCode);
    }
}
