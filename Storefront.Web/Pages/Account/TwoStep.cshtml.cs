using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// Two-step sign-in for the account: turned on with a code of an authenticator app (TOTP, RFC 6238)
/// set up with the account's key, which proves the app has it; then ten recovery codes are shown,
/// once. Turning it off and making new recovery codes ask for the password again.
/// </summary>
[Authorize]
public sealed class TwoStepModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, IOptions<Seo.SeoOptions> seo) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty, StringLength(20)] public string? Code { get; set; }
    [BindProperty, StringLength(200), DataType(DataType.Password)] public string? Password { get; set; }

    public bool Enabled { get; private set; }
    public string Key { get; private set; } = "";
    public string AppLink { get; private set; } = "";

    /// <summary>The app link as a QR code (SVG of squares only), for the phone's camera.</summary>
    public string AppLinkQrSvg { get; private set; } = "";
    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Shown once, right after they are made.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await LoadAsync() is not { } user) return Challenge();
        if (Enabled) return RedirectToPage();
        var code = new string((Code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (code.Length != 6 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError(nameof(Code), "That code is not right. Enter the six digits your app shows now for this store.");
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        // The security stamp changed: keep this session signed in.
        await signIn.RefreshSignInAsync(user);
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await LoadAsync() is not { } user) return Challenge();
        if (!await PasswordIsRightAsync(user)) return Page();
        await users.SetTwoFactorEnabledAsync(user, false);
        // A new key: the app set up with the old one cannot be used again without setting it up anew.
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        TempData.Notice("Two-step sign-in is off. Your password alone signs you in.");
        return RedirectToPage("/Account/Index");
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        if (await LoadAsync() is not { } user) return Challenge();
        if (!Enabled) return RedirectToPage();
        if (!await PasswordIsRightAsync(user)) return Page();
        NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await LoadAsync();
        return Page();
    }

    private async Task<bool> PasswordIsRightAsync(StoreUser user)
    {
        if (!string.IsNullOrEmpty(Password) && await users.CheckPasswordAsync(user, Password)) return true;
        ModelState.AddModelError(nameof(Password), "That is not your password.");
        return false;
    }

    private async Task<StoreUser?> LoadAsync()
    {
        // The key and the recovery codes are secrets: no cache keeps this page.
        Response.Headers.CacheControl = "no-store";
        if (await users.GetUserAsync(User) is not { } user) return null;
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        RecoveryCodesLeft = Enabled ? await users.CountRecoveryCodesAsync(user) : 0;
        if (!Enabled)
        {
            var key = await users.GetAuthenticatorKeyAsync(user);
            if (string.IsNullOrEmpty(key))
            {
                await users.ResetAuthenticatorKeyAsync(user);
                key = await users.GetAuthenticatorKeyAsync(user);
                await signIn.RefreshSignInAsync(user);
            }
            Key = string.Join(' ', key!.ToLowerInvariant().Chunk(4).Select(c => new string(c)));
            var issuer = Uri.EscapeDataString(seo.Value.StoreName);
            AppLink = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(user.Email ?? "")}?secret={key}&issuer={issuer}&digits=6";
            using var generator = new QRCoder.QRCodeGenerator();
            using var qr = generator.CreateQrCode(AppLink, QRCoder.QRCodeGenerator.ECCLevel.M);
            AppLinkQrSvg = new QRCoder.SvgQRCode(qr).GetGraphic(new System.Drawing.Size(220, 220), "#000000", "#ffffff", drawQuietZones: true,
                QRCoder.SvgQRCode.SizingMode.ViewBoxAttribute);
        }
        return user;
    }
}
