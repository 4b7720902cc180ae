using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using Storefront.Web.Identity;

namespace Storefront.Tests.Security;

public sealed class TwoStepFixture : StoreFixture;

/// <summary>A store that asks its staff to use two-step sign-in.</summary>
public sealed class TwoStepStaffFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Accounts:RequireTwoStepForStaff"] = "true",
    };
}

/// <summary>The codes an authenticator app shows (TOTP, RFC 6238: HMAC-SHA1, 30-second steps, six digits).</summary>
internal static class Authenticator
{
    public static string Code(string key, DateTimeOffset at)
    {
        var secret = Base32(key);
        var step = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian) Array.Reverse(step);
        // SHA-1 is what RFC 6238 and every authenticator app use for these codes.
#pragma warning disable CA5350
        var hash = HMACSHA1.HashData(secret, step);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var buffer = 0;
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}

public sealed class TwoStepTests(TwoStepFixture store) : IClassFixture<TwoStepFixture>
{
    private const string Password = "Two-Step-Password-1";

    internal static async Task<HttpResponseMessage> PostPageFormAsync(HttpClient client, string page, string? handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(page));
        return await client.PostAsync(handler is null ? page : $"{page}?handler={handler}", new FormUrlEncodedContent(fields));
    }

    /// <summary>Turns two-step sign-in on for the signed-in client's account; its key and recovery codes.</summary>
    internal static async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> TurnOnAsync(HttpClient client)
    {
        var key = (await client.GetDocumentAsync("/account/two-step")).QuerySelector("#authenticator-key")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        var on = await PostPageFormAsync(client, "/account/two-step", "Enable", new() { ["Code"] = Authenticator.Code(key, DateTimeOffset.UtcNow) });
        var codes = (await Html.ParseAsync(await on.Content.ReadAsStringAsync())).QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent).ToList();
        return (key, codes);
    }

    /// <summary>Password first; the answer, at the code's page when the account uses two-step sign-in.</summary>
    internal static async Task<HttpResponseMessage> PasswordAsync(HttpClient client, string email, string password) =>
        await PostPageFormAsync(client, "/account/login", null, new() { ["Input.Email"] = email, ["Input.Password"] = password });

    internal static async Task<HttpResponseMessage> CodeAsync(HttpClient client, HttpResponseMessage codePage, string code)
    {
        var page = await Html.ParseAsync(await codePage.Content.ReadAsStringAsync());
        var form = page.QuerySelector("main form[method=post]")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["Input.Code"] = code;
        return await client.PostAsync(codePage.RequestMessage!.RequestUri!.PathAndQuery, new FormUrlEncodedContent(fields));
    }

    private static async Task<bool> SignedInAsync(HttpClient client) =>
        (await client.GetAsync("/account")).RequestMessage!.RequestUri!.AbsolutePath == "/account";

    private static async Task<string> AlertAsync(HttpResponseMessage answer) =>
        (await Html.ParseAsync(await answer.Content.ReadAsStringAsync())).QuerySelector("main [role=alert], main .field-error:not(:empty)")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task A_shopper_turns_on_two_step_sign_in_and_then_needs_the_apps_code_or_a_recovery_code_once()
    {
        var (client, email, _) = await AccountPagesTests.SignedInShopperAsync(store, Password, "two-step");
        Assert.Contains("Off: your password alone signs you in.", (await client.GetDocumentAsync("/account")).QuerySelector("#two-step")!.TextContent, StringComparison.Ordinal);
        var setup = await client.GetDocumentAsync("/account/two-step");
        var key = setup.QuerySelector("#authenticator-key")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        Assert.StartsWith("otpauth://totp/Storefront:", setup.QuerySelector("#authenticator-link")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.NotNull(setup.QuerySelector(".qr svg"));
        Assert.Contains("no-store", (await client.GetAsync("/account/two-step")).Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        // A wrong code turns nothing on.
        var wrong = await PostPageFormAsync(client, "/account/two-step", "Enable", new() { ["Code"] = "000000" == Authenticator.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000" });
        Assert.Contains("That code is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (_, codes) = await TurnOnAsync(client);
        Assert.Equal(TwoStepModelCount, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.True(await SignedInAsync(client));
        Assert.Contains("On: signing in asks for your password and the code", (await client.GetDocumentAsync("/account")).QuerySelector("#two-step")!.TextContent, StringComparison.Ordinal);

        // The password alone no longer signs in: the code's page follows, and a wrong code is refused.
        var other = store.Client();
        var codePage = await PasswordAsync(other, email, Password);
        Assert.Equal("/account/login/two-step", codePage.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.False(await SignedInAsync(other));
        var refused = await CodeAsync(other, codePage, "12345x");
        Assert.Contains("That code is not right.", await AlertAsync(refused), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(other));
        var signedIn = await CodeAsync(other, codePage, Authenticator.Code(key, DateTimeOffset.UtcNow.AddSeconds(-30)));
        Assert.Equal("/", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True(await SignedInAsync(other));

        // A recovery code works once.
        var third = store.Client();
        Assert.Equal("/", (await CodeAsync(third, await PasswordAsync(third, email, Password), codes[0])).RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True(await SignedInAsync(third));
        var fourth = store.Client();
        var again = await CodeAsync(fourth, await PasswordAsync(fourth, email, Password), codes[0]);
        Assert.Contains("That code is not right.", await AlertAsync(again), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(fourth));
        Assert.Contains("9 recovery codes left", (await client.GetStringAsync("/account/two-step")), StringComparison.Ordinal);

        // Without the password first, the code's page sends back to sign in.
        Assert.Equal("/account/login", (await store.Client().GetAsync("/account/login/two-step")).RequestMessage!.RequestUri!.AbsolutePath);

        // Turning it off asks for the password; then the password alone signs in again.
        var badOff = await PostPageFormAsync(client, "/account/two-step", "Disable", new() { ["Password"] = "Not-The-Password-9" });
        Assert.Contains("That is not your password.", await badOff.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var off = await PostPageFormAsync(client, "/account/two-step", "Disable", new() { ["Password"] = Password });
        Assert.Equal("/account", off.RequestMessage!.RequestUri!.AbsolutePath);
        var fifth = store.Client();
        Assert.Equal("/", (await PasswordAsync(fifth, email, Password)).RequestMessage!.RequestUri!.AbsolutePath);
        Assert.True(await SignedInAsync(fifth));
    }

    private const int TwoStepModelCount = Storefront.Web.Pages.Account.TwoStepModel.RecoveryCodeCount;
}

public sealed class TwoStepStaffTests(TwoStepStaffFixture store) : IClassFixture<TwoStepStaffFixture>
{
    [Fact]
    public async Task A_store_that_asks_for_two_step_sign_in_opens_the_admin_area_to_staff_only_once_they_use_it()
    {
        var email = $"careful-{Guid.NewGuid():N}@example.test";
        const string Password = "Careful-Password-1";
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            var user = new StoreUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Careful" };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Catalog)).Succeeded);
        }
        var client = store.Client();
        await StoreFixture.SignInAsync(client, email, Password);

        var refused = await client.GetAsync("/admin/products");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("This store asks its staff to use two-step sign-in.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (key, _) = await TwoStepTests.TurnOnAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/products")).StatusCode);

        // A new session: password, then the code, then the admin area.
        var next = store.Client();
        var codePage = await TwoStepTests.PasswordAsync(next, email, Password);
        Assert.Equal("/account/login/two-step", codePage.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/account/login", (await next.GetAsync("/admin/products")).RequestMessage!.RequestUri!.AbsolutePath);
        await TwoStepTests.CodeAsync(next, codePage, Authenticator.Code(key, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, (await next.GetAsync("/admin/products")).StatusCode);
    }
}
