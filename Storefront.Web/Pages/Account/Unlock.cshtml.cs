using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// The link of the unlock e-mail, plus the password: lifts a merchant's paused sign-in and signs them
/// in. Limited per client address only, never per account, so an attacker hammering the merchant's
/// address cannot keep the merchant from it.
/// </summary>
public sealed class UnlockModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, MerchantUnlock unlock, CartMerge cartMerge) : PageModel
{
    public sealed record InputModel
    {
        public string? User { get; set; } = "";
        public string? Token { get; set; } = "";

        [Required(ErrorMessage = "Enter your password."), StringLength(200), DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool LinkProblem { get; private set; }

    public async Task OnGetAsync(string? user, string? token)
    {
        Input = new InputModel { User = user ?? "", Token = token ?? "" };
        LinkProblem = await LinkedMerchantAsync() is null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LinkedMerchantAsync() is not { } merchant)
        {
            LinkProblem = true;
            return Page();
        }
        if (!ModelState.IsValid) return Page();
        // Only the holder of the link gets this far, so saying the password is wrong tells no one anything new.
        if (!await users.CheckPasswordAsync(merchant, Input.Password))
        {
            ModelState.AddModelError("Input.Password", "That is not the password of this account.");
            return Page();
        }
        if (!await unlock.UnlockAsync(merchant, Input.Token!))
        {
            LinkProblem = true;
            return Page();
        }
        // Two-step sign-in is not skipped by the link: the code comes at the ordinary sign-in.
        if (merchant.TwoFactorEnabled)
        {
            TempData.Notice("Your account is unlocked. Sign in with your password and the code of your app.");
            return RedirectToPage("/Account/Login", new { returnUrl = "/admin" });
        }
        await signIn.SignInAsync(merchant, isPersistent: false);
        await cartMerge.SignedInAsync(merchant.Id, TempData, ct);
        TempData.Notice("Your account is unlocked and you are signed in.");
        return RedirectToPage("/Index", new { area = "Admin" });
    }

    private async Task<StoreUser?> LinkedMerchantAsync() =>
        // Binding turns an empty or blank field into null.
        Input.User is { Length: > 0 } user && Input.Token is { Length: > 0 } token && await users.FindByIdAsync(user) is { } merchant
        && await unlock.IsValidLinkAsync(merchant, token) ? merchant : null;
}
