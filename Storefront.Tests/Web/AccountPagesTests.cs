using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed partial class AccountPagesTests(StoreFixture store) : IClassFixture<StoreFixture>
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

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var email = NewEmail();
        await RegisterAsync(store.Client(), email, "Right-Password-1");
        var client = store.Client();
        string last = "";
        foreach (var password in Enumerable.Repeat("Wrong-Password-1", 5).Append("Right-Password-1"))
        {
            var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
            var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
            }));
            last = (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")?.TextContent ?? "";
        }
        Assert.Equal("Too many failed attempts. This account is locked for 15 minutes.", last);
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
