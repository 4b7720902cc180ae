using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;
using CartPage = Storefront.Web.Pages.Cart.IndexModel;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// The link of the confirmation e-mail: confirms the address (which brings the guest orders placed
/// with it into the account), signs the shopper in and merges their cart. It works once.
/// </summary>
public sealed class ConfirmEmailModel(UserManager<StoreUser> users, SignInManager<StoreUser> signIn, EmailConfirmation confirmation,
    CartMerge cartMerge, IOrders orders) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? user, string? token, string? order, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(token) || await users.FindByIdAsync(user) is not { } account
            || !await confirmation.ConfirmAsync(account, token, ct))
            return Page();
        await signIn.SignInAsync(account, isPersistent: false);
        await cartMerge.SignedInAsync(account.Id, TempData, ct);
        // Registered from a guest order: show it, now that it is in the account.
        if (order is not null && await orders.GetAsync(order, ct) is { } placed && placed.UserId == account.Id)
            return RedirectToPage("/Orders/Order", new { number = placed.Number });
        // What became of the cart (if anything) is the more useful message; reading TempData would discard it.
        if (!TempData.ContainsKey(CartPage.NoticeKey) && !TempData.ContainsKey(CartPage.ProblemKey))
            TempData[CartPage.NoticeKey] = "Your e-mail address is confirmed and you are signed in.";
        return RedirectToPage("/Account/Index");
    }
}
