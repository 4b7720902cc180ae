using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// The second step of signing in to an account with two-step sign-in: the code of the authenticator
/// app, or one of the account's recovery codes (each works once). Reached only after the right
/// password (Identity's two-factor cookie names the account); wrong codes count toward the
/// account's lockout like wrong passwords.
/// </summary>
public sealed class LoginTwoStepModel(SignInManager<StoreUser> signIn, CartMerge cartMerge) : PageModel
{
    public sealed record InputModel
    {
        [Required(ErrorMessage = "Enter the code from your authenticator app, or a recovery code."), StringLength(40)]
        public string Code { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public bool RememberMe { get; set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            TempData.Problem("Signing in took too long. Give your e-mail address and password again.");
            return RedirectToPage("/Account/Login", new { returnUrl = ReturnUrl });
        }
        if (!ModelState.IsValid) return Page();
        var code = new string(Input.Code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        // Six digits are the app's code; anything else is tried as a recovery code.
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, RememberMe, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            await cartMerge.SignedInAsync(user.Id, TempData, ct);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        Error = result.IsLockedOut
            ? "Too many wrong codes: this account is locked for a while. Try again later, or reset your password by e-mail."
            : "That code is not right. Codes change every 30 seconds: enter the one your app shows now.";
        return Page();
    }
}
