using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

/// <summary>Counts password hash checks, to show a sign-in does the hashing work whatever the account state.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<StoreUser>
{
    private readonly PasswordHasher<StoreUser> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(StoreUser user, string password) => _inner.HashPassword(user, password);

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

public sealed partial class AccountPagesTests(AccountStoreFixture store) : IClassFixture<AccountStoreFixture>
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

    private static string NewEmail() => $"shopper-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task A_new_shopper_registers_and_lands_on_their_account_page_signed_in()
    {
        var email = NewEmail();
        var client = store.Client();
        var response = await RegisterAsync(client, email, "Sunny-Day-2024");
        Assert.Equal("/account", response.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("Your account", page.QuerySelector("h1")!.TextContent);
        Assert.Contains(email, page.QuerySelector(".account-panel")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("nav.account a[href='/account']"));
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

        // None of those made the account, so the address is still free.
        var response = await RegisterAsync(store.Client(), email, "Sunny-Day-2024");
        Assert.Equal("/account", response.RequestMessage!.RequestUri!.AbsolutePath);

        page = await Html.ParseAsync(await (await RegisterAsync(store.Client(), email, "Sunny-Day-2024")).Content.ReadAsStringAsync());
        Assert.Equal("An account with this e-mail address already exists. Sign in, or reset your password.",
            page.QuerySelector("[data-valmsg-for='Input.Email']")!.TextContent);
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

        var link = await ResetLinkAsync(email);
        var form = await client.GetStringAsync(link.PathAndQuery);
        var reset = await client.PostAsync("/account/reset-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Hidden(form, "Input_Email"), ["Input.Token"] = Hidden(form, "Input_Token"),
            ["Input.Password"] = "Second-Password-2", ["Input.ConfirmPassword"] = "Second-Password-2",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(form),
        }));
        Assert.Equal("/account/login", reset.RequestMessage!.RequestUri!.AbsolutePath);
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
        Assert.DoesNotContain(MailFor(email), _ => true);
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

    private async Task<string> SignInMessageAsync(HttpClient client, string email, string password)
    {
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        return (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")?.TextContent ?? "";
    }

    private const string Mismatch = "That e-mail and password do not match an account.";

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_without_saying_so()
    {
        var email = NewEmail();
        await RegisterAsync(store.Client(), email, "Right-Password-1");
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
        await RegisterAsync(store.Client(), email, "Known-Password-1");
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
    public async Task Wrong_passwords_never_lock_the_merchant_out()
    {
        var client = store.Client();
        for (var i = 0; i < 8; i++) Assert.Equal(Mismatch, await SignInMessageAsync(client, AdminBootstrapper.DemoEmail, $"Not-The-Password-{i}"));
        await StoreFixture.SignInAsync(store.Client(), AdminBootstrapper.DemoEmail, AdminBootstrapper.DemoPassword);
    }

    [Fact]
    public async Task Reset_emails_stop_after_three_an_hour_for_one_account_and_the_answer_never_changes()
    {
        var email = NewEmail();
        await RegisterAsync(store.Client(), email, "Flooded-Password-1");
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
        Assert.Equal(3, MailFor(email).Count(m => m.Contains("Reset your Storefront password", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_account_page_needs_a_sign_in_and_changes_the_password()
    {
        var anonymous = await store.Client(followRedirects: false).GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var email = NewEmail();
        var client = store.Client();
        await RegisterAsync(client, email, "Old-Password-11");
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

    private IEnumerable<string> MailFor(string email)
    {
        var folder = Path.Combine(store.Factory.DataPath, "mail");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Select(File.ReadAllText).Where(m => m.Contains(email, StringComparison.OrdinalIgnoreCase))
            : [];
    }

    /// <summary>The reset link in the .eml the store wrote, with quoted-printable soft breaks undone.</summary>
    private async Task<Uri> ResetLinkAsync(string email)
    {
        for (var i = 0; i < 50; i++)
        {
            if (MailFor(email).FirstOrDefault() is { } mail)
            {
                var body = DecodeQuotedPrintable(mail);
                var match = ResetLink().Match(body);
                if (match.Success) return new Uri(match.Value);
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"No reset e-mail for {email}: {MailFor(email).FirstOrDefault()}");
    }

    private static string DecodeQuotedPrintable(string text)
    {
        text = text.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"http://[^\s]+/account/reset-password\?[^\s]+")]
    private static partial Regex ResetLink();
}
