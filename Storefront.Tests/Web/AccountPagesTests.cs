using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

/// <summary>Counts password hashing and hash checks, to show sign-in and registration do the same work whatever the account state.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<StoreUser>
{
    private readonly PasswordHasher<StoreUser> _inner = new();
    private int _verifications;
    private int _hashes;

    public int Verifications => Volatile.Read(ref _verifications);
    public int Hashes => Volatile.Read(ref _hashes);

    public string HashPassword(StoreUser user, string password)
    {
        Interlocked.Increment(ref _hashes);
        return _inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(StoreUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public sealed class AccountStoreFixture : StoreFixture
{
    public CountingPasswordHasher Hasher { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IPasswordHasher<StoreUser>>(Hasher);
}

public sealed class AccountPagesTests(AccountStoreFixture store) : IClassFixture<AccountStoreFixture>
{
    public static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password,
        string? confirm = null, string name = "Sam Shopper")
    {
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/register"));
        return await client.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.DisplayName"] = name, ["Input.Email"] = email, ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password, ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>Registers, then opens the confirmation link of the e-mail with the same client: signed in after it.</summary>
    public static async Task<HttpResponseMessage> RegisterAndConfirmAsync(StoreFixture store, HttpClient client, string email, string password,
        string name = "Sam Shopper")
    {
        var registered = await RegisterAsync(client, email, password, name: name);
        if (registered.RequestMessage?.RequestUri?.AbsolutePath != "/account/check-inbox")
            throw new InvalidOperationException($"Registration did not go through: {registered.RequestMessage?.RequestUri}");
        return await Mailbox.ConfirmAsync(store, client, email, password);
    }

    /// <summary>A new shopper with a confirmed address, signed in with a client of their own, and their account's id.</summary>
    public static async Task<(HttpClient Client, string Email, string UserId)> SignedInShopperAsync(StoreFixture store, string password, string prefix = "shopper")
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
        var client = store.Client();
        await RegisterAndConfirmAsync(store, client, email, password);
        using var scope = store.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Storefront.Web.Identity.StoreUser>>().FindByEmailAsync(email);
        return (client, email, user!.Id);
    }

    private static string NewEmail() => $"shopper-{Guid.NewGuid():N}@example.test";

    private static async Task<bool> SignedInAsync(HttpClient client) =>
        (await client.GetAsync("/account")).RequestMessage!.RequestUri!.AbsolutePath == "/account";

    [Fact]
    public async Task A_new_shopper_registers_confirms_through_the_emailed_link_and_lands_on_their_account_page_signed_in()
    {
        var email = NewEmail();
        var client = store.Client();
        var registered = await RegisterAsync(client, email, "Sunny-Day-2024");
        Assert.Equal("/account/check-inbox", registered.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Check your inbox to finish creating your account", await registered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(client));

        var link = await Mailbox.LinkAsync(store, email, "/account/confirm-email");
        // Built from the configured public address, never from the request.
        Assert.Equal("http://localhost:5000", link.GetLeftPart(UriPartial.Authority));
        var response = await Mailbox.ConfirmAsync(client, link, "Sunny-Day-2024");
        Assert.Equal("/account", response.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("Your account", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("Your e-mail address is confirmed and you are signed in.", page.QuerySelector("[role=status].flash")!.TextContent);
        Assert.Contains(email, page.QuerySelector(".account-panel")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("nav.account a[href='/account']"));

        // The link works once: opened again (say, by someone who got hold of it) it signs no one in.
        var other = store.Client();
        var again = await other.GetAsync(link.PathAndQuery);
        Assert.Contains("This confirmation link is not valid, has expired or has been used already.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(other));
        await StoreFixture.SignInAsync(store.Client(), email, "Sunny-Day-2024");
    }

    [Fact]
    public async Task An_account_registered_by_someone_else_cannot_be_confirmed_by_the_address_owner_clicking_the_link()
    {
        // Someone registers the victim's address with a password of their own choosing...
        var victim = NewEmail();
        await RegisterAsync(store.Client(), victim, "Attacker-Chose-1");
        var link = await Mailbox.LinkAsync(store, victim, "/account/confirm-email");

        // ...and the victim opens the e-mailed link: opening it confirms nothing and signs nobody in.
        var owner = store.Client();
        var page = await Html.ParseAsync(await owner.GetStringAsync(link.PathAndQuery));
        Assert.NotNull(page.QuerySelector("main form input[name=Password]"));
        Assert.False(await SignedInAsync(owner));

        // Without the attacker's password the account stays unconfirmed, so nobody can sign in to it.
        var wrong = await Mailbox.ConfirmAsync(owner, link, "Victim-Guess-123");
        var answer = await Html.ParseAsync(await wrong.Content.ReadAsStringAsync());
        Assert.StartsWith("That is not the password this account was created with.", answer.QuerySelector("[data-valmsg-for='Password']")!.TextContent, StringComparison.Ordinal);
        Assert.False(await SignedInAsync(owner));
        var attacker = store.Client();
        var token = Html.AntiforgeryToken(await attacker.GetStringAsync("/account/login"));
        var signIn = await attacker.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = victim, ["Input.Password"] = "Attacker-Chose-1", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal("/account/login", signIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.False(await SignedInAsync(attacker));
    }

    [Fact]
    public async Task Registering_a_taken_address_looks_exactly_like_registering_a_new_one_and_emails_the_owner()
    {
        var taken = NewEmail();
        await RegisterAndConfirmAsync(store, store.Client(), taken, "Owner-Password-1");
        var takenUnconfirmed = NewEmail();
        await RegisterAsync(store.Client(), takenUnconfirmed, "Owner-Password-2");

        async Task<(string Path, string Main, int Hashes)> RegisterAsStrangerAsync(string email)
        {
            var before = store.Hasher.Hashes;
            var response = await RegisterAsync(store.Client(), email, "Stranger-Password-1", name: "Someone Else");
            var main = (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent;
            return (response.RequestMessage!.RequestUri!.PathAndQuery, main, store.Hasher.Hashes - before);
        }

        var fresh = NewEmail();
        var asNew = await RegisterAsStrangerAsync(fresh);
        var asTaken = await RegisterAsStrangerAsync(taken);
        var asTakenUnconfirmed = await RegisterAsStrangerAsync(takenUnconfirmed);

        // The same page, reached the same way, after the same hashing work.
        Assert.Equal("/account/check-inbox", asNew.Path);
        Assert.Equal(asNew, asTaken);
        Assert.Equal(asNew, asTakenUnconfirmed);
        Assert.Equal(1, asNew.Hashes);

        // The new address got a confirmation link; the owners of the taken ones a note, and their
        // accounts are untouched: their own passwords still work, the stranger's does not.
        Assert.Single(Mailbox.For(store, fresh, "Confirm your Storefront account"));
        foreach (var owner in new[] { taken, takenUnconfirmed })
        {
            var note = Assert.Single(Mailbox.For(store, owner, "Someone tried to create a Storefront account with your address"));
            Assert.Contains("No new account was made.", note, StringComparison.Ordinal);
            Assert.Contains("http://localhost:5000/account/forgot-password", note, StringComparison.Ordinal);
        }
        Assert.Single(Mailbox.For(store, takenUnconfirmed, "Confirm your Storefront account"));
        await StoreFixture.SignInAsync(store.Client(), taken, "Owner-Password-1");
        Assert.Equal(Mismatch, await SignInMessageAsync(store.Client(), taken, "Stranger-Password-1"));
    }

    [Fact]
    public async Task An_unconfirmed_account_cannot_sign_in_and_only_its_right_password_offers_a_new_link_by_email()
    {
        var email = NewEmail();
        await RegisterAsync(store.Client(), email, "Waiting-Password-1");
        var client = store.Client();

        var wrong = await Html.ParseAsync(await (await SignInAsync(client, email, "Wrong-Password-1")).Content.ReadAsStringAsync());
        Assert.Equal(Mismatch, wrong.QuerySelector("[role=alert]")!.TextContent);
        Assert.Null(wrong.QuerySelector("#offer-confirmation"));

        var before = store.Hasher.Verifications;
        var right = await SignInAsync(client, email, "Waiting-Password-1");
        Assert.Equal(1, store.Hasher.Verifications - before);
        Assert.Equal("/account/login", right.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(await right.Content.ReadAsStringAsync());
        Assert.Equal(Mismatch, page.QuerySelector("[role=alert]")!.TextContent);
        Assert.False(await SignedInAsync(client));

        // The offer only sends the link to the address; its answer is the one anyone gets for any address.
        var offer = page.QuerySelector("#offer-confirmation")!;
        var resent = await client.PostAsync(offer.GetAttribute("action")!, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = offer.QuerySelector("input[name=Email]")!.GetAttribute("value")!,
            ["__RequestVerificationToken"] = offer.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        var unknown = NewEmail();
        var forUnknown = await client.PostAsync("/account/resend-confirmation", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = unknown, ["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync("/account/resend-confirmation")),
        }));
        var answer = (await Html.ParseAsync(await resent.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent;
        Assert.Equal(answer, (await Html.ParseAsync(await forUnknown.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent);
        Assert.Contains("If that address has an account waiting to be confirmed", answer, StringComparison.Ordinal);
        Assert.Equal(2, Mailbox.For(store, email, "Confirm your Storefront account").Count);
        Assert.Empty(Mailbox.For(store, unknown));

        // The newest link confirms and signs in; then the password works.
        await Mailbox.ConfirmAsync(store, client, email, "Waiting-Password-1");
        Assert.True(await SignedInAsync(client));
        await StoreFixture.SignInAsync(store.Client(), email, "Waiting-Password-1");
    }

    [Fact]
    public async Task Registration_problems_are_shown_beside_the_fields_and_no_account_is_made()
    {
        var email = NewEmail();
        var page = await Html.ParseAsync(await (await RegisterAsync(store.Client(), email, "Sunny-Day-2024", confirm: "Other-Day-2024")).Content.ReadAsStringAsync());
        Assert.Equal("The two passwords are not the same.", page.QuerySelector("#Input_ConfirmPassword-error, [data-valmsg-for='Input.ConfirmPassword']")!.TextContent);

        page = await Html.ParseAsync(await (await RegisterAsync(store.Client(), email, "short")).Content.ReadAsStringAsync());
        Assert.Equal("Use at least 10 characters.", page.QuerySelector("[data-valmsg-for='Input.Password']")!.TextContent);

        page = await Html.ParseAsync(await (await RegisterAsync(store.Client(), email, "alllowercase12")).Content.ReadAsStringAsync());
        Assert.Contains("uppercase", page.QuerySelector("[data-valmsg-for='Input.Password']")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Mailbox.For(store, email));

        // None of those made the account, so the address is still free: the next one gets a confirmation link.
        var response = await RegisterAsync(store.Client(), email, "Sunny-Day-2024");
        Assert.Equal("/account/check-inbox", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Single(Mailbox.For(store, email));
        Assert.Single(Mailbox.For(store, email, "Confirm your Storefront account"));
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_link_in_the_email()
    {
        var email = NewEmail();
        await RegisterAsync(store.Client(), email, "First-Password-1");
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/forgot-password"));
        var sent = await client.PostAsync("/account/forgot-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("If an account exists for that address", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var link = await Mailbox.LinkAsync(store, email, "/account/reset-password");
        var form = await client.GetStringAsync(link.PathAndQuery);
        var reset = await client.PostAsync("/account/reset-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Hidden(form, "Input_Email"), ["Input.Token"] = Hidden(form, "Input_Token"),
            ["Input.Password"] = "Second-Password-2", ["Input.ConfirmPassword"] = "Second-Password-2",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(form),
        }));
        Assert.Equal("/account/login", reset.RequestMessage!.RequestUri!.AbsolutePath);
        // The account was never confirmed, but the reset link proved the address as well.
        await StoreFixture.SignInAsync(store.Client(), email, "Second-Password-2");

        // The link works once: the password change made its token stale.
        var again = await client.PostAsync("/account/reset-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Hidden(form, "Input_Email"), ["Input.Token"] = Hidden(form, "Input_Token"),
            ["Input.Password"] = "Third-Password-3", ["Input.ConfirmPassword"] = "Third-Password-3",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(form),
        }));
        Assert.Contains("This reset link is not valid or has expired.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_a_reset_of_an_unknown_address_looks_the_same_and_sends_nothing()
    {
        var client = store.Client();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/forgot-password"));
        var email = NewEmail();
        var sent = await client.PostAsync("/account/forgot-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("If an account exists for that address", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Mailbox.For(store, email));
    }

    [Fact]
    public async Task A_made_up_reset_link_gets_a_clear_message()
    {
        var client = store.Client();
        var page = await client.GetStringAsync("/account/reset-password?email=nobody%40example.test&token=not-a-token");
        var token = Html.AntiforgeryToken(page);
        var response = await client.PostAsync("/account/reset-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "nobody@example.test", ["Input.Token"] = "%%%not-base64",
            ["Input.Password"] = "Whatever-Pass-1", ["Input.ConfirmPassword"] = "Whatever-Pass-1", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This reset link is not valid or has expired.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("This reset link is not valid or has expired.", await store.Client().GetStringAsync("/account/reset-password"), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    private static async Task<string> SignInMessageAsync(HttpClient client, string email, string password) =>
        (await Html.ParseAsync(await (await SignInAsync(client, email, password)).Content.ReadAsStringAsync())).QuerySelector("[role=alert]")?.TextContent ?? "";

    private const string Mismatch = "That e-mail and password do not match an account.";

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_without_saying_so()
    {
        var email = NewEmail();
        await RegisterAndConfirmAsync(store, store.Client(), email, "Right-Password-1");
        var client = store.Client();
        for (var i = 0; i < 5; i++) Assert.Equal(Mismatch, await SignInMessageAsync(client, email, "Wrong-Password-1"));
        // Locked: the right password is refused too, with the very answer a wrong one gets, and
        // the password is still checked so the refusal takes as long.
        var before = store.Hasher.Verifications;
        Assert.Equal(Mismatch, await SignInMessageAsync(client, email, "Right-Password-1"));
        Assert.Equal(1, store.Hasher.Verifications - before);
    }

    [Fact]
    public async Task Signing_in_to_an_unknown_address_answers_like_a_wrong_password_after_the_same_hashing_work()
    {
        var email = NewEmail();
        await RegisterAndConfirmAsync(store, store.Client(), email, "Known-Password-1");
        var client = store.Client();

        var before = store.Hasher.Verifications;
        var known = await SignInMessageAsync(client, email, "Wrong-Password-1");
        var afterKnown = store.Hasher.Verifications;
        var unknown = await SignInMessageAsync(client, NewEmail(), "Wrong-Password-1");
        var afterUnknown = store.Hasher.Verifications;

        Assert.Equal(Mismatch, known);
        Assert.Equal(known, unknown);
        Assert.Equal(1, afterKnown - before);
        Assert.Equal(1, afterUnknown - afterKnown);
    }

    [Fact]
    public async Task Reset_emails_stop_after_three_an_hour_for_one_account_and_the_answer_never_changes()
    {
        var email = NewEmail();
        await RegisterAndConfirmAsync(store, store.Client(), email, "Flooded-Password-1");
        var client = store.Client();
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/forgot-password"));
            var sent = await client.PostAsync("/account/forgot-password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["__RequestVerificationToken"] = token,
            }));
            answers.Add((await Html.ParseAsync(await sent.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent);
        }
        Assert.Single(answers.Distinct());
        Assert.Contains("If an account exists for that address", answers[0], StringComparison.Ordinal);
        Assert.Equal(3, Mailbox.For(store, email, "Reset your Storefront password").Count);
    }

    [Fact]
    public async Task The_account_page_needs_a_sign_in_and_changes_the_password()
    {
        var anonymous = await store.Client(followRedirects: false).GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var email = NewEmail();
        var client = store.Client();
        await RegisterAndConfirmAsync(store, client, email, "Old-Password-11");
        var page = await client.GetStringAsync("/account");
        var wrong = await client.PostAsync("/account?handler=Password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password.Current"] = "Not-It-Password-1", ["Password.New"] = "New-Password-22", ["Password.Confirm"] = "New-Password-22",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        Assert.Equal("That is not your current password.",
            (await Html.ParseAsync(await wrong.Content.ReadAsStringAsync())).QuerySelector("[data-valmsg-for='Password.Current']")!.TextContent);

        var changed = await client.PostAsync("/account?handler=Password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password.Current"] = "Old-Password-11", ["Password.New"] = "New-Password-22", ["Password.Confirm"] = "New-Password-22",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        Assert.Equal("Your password has been changed.",
            (await Html.ParseAsync(await changed.Content.ReadAsStringAsync())).QuerySelector("[role=status].flash")!.TextContent);
        await StoreFixture.SignInAsync(store.Client(), email, "New-Password-22");
    }

    private static string Hidden(string html, string id) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"id=\"{id}\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*id=\"{id}\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException($"No hidden field {id}."));
}
