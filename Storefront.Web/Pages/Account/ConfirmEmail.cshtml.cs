using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// The link of the confirmation e-mail. Opening it changes nothing (mail scanners open links); the
/// shopper then gives the password they chose, which confirms the address (bringing in the guest
/// orders placed with it), signs them in and merges their cart. Asking for the password means an
/// account someone else registered with this address cannot be confirmed by the address's owner
/// clicking the link — and so never becomes an account the other person can sign in to.
/// </summary>
public sealed class ConfirmEmailModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, EmailConfirmation confirmation,
    CartMerge cartMerge, IOrders orders) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public string? AccountId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true)] public string? Order { get; set; }

    [BindProperty, Required(ErrorMessage = "Enter the password you chose."), DataType(DataType.Password), StringLength(200)]
    public string Password { get; set; } = "";

    public bool LinkValid { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        LinkValid = await AccountAsync() is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account) return Page();
        LinkValid = true;
        if (!ModelState.IsValid) return Page();
        // Guesses count towards the account's lockout like sign-in attempts do.
        if (await users.IsLockedOutAsync(account) || !await users.CheckPasswordAsync(account, Password))
        {
            if (!await users.IsLockedOutAsync(account)) await users.AccessFailedAsync(account);
            ModelState.AddModelError(nameof(Password), "That is not the password this account was created with. " +
                "If you did not create it, ignore the e-mail; if you forgot the password, reset it.");
            return Page();
        }
        if (!await confirmation.ConfirmAsync(account, Token!, ct))
        {
            LinkValid = false;
            return Page();
        }
        await users.ResetAccessFailedCountAsync(account);
        await signIn.SignInAsync(account, isPersistent: false);
        await cartMerge.SignedInAsync(account.Id, TempData, ct);
        // Registered from a guest order: show it, now that it is in the account.
        if (Order is not null && await orders.GetAsync(Order, ct) is { } placed && placed.UserId == account.Id)
            return RedirectToPage("/Orders/Order", new { number = placed.Number });
        // What became of the cart (if anything) is the more useful message; reading TempData would discard it.
        if (!TempData.HasFlash())
            TempData.Notice("Your e-mail address is confirmed and you are signed in.");
        return RedirectToPage("/Account/Index");
    }

    /// <summary>The account of a link that is still good (not used, not expired), or null.</summary>
    private async Task<StoreUser?> AccountAsync() =>
        !string.IsNullOrEmpty(AccountId) && AccountId.Length <= 64 && !string.IsNullOrEmpty(Token) && Token.Length <= 2000
        && await users.FindByIdAsync(AccountId) is { } account && await confirmation.IsValidAsync(account, Token)
            ? account
            : null;
}
