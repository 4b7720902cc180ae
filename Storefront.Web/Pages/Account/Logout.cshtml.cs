using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

/// <remarks>
/// The sign-out button is in the header of the cached pages, which carry no per-visitor token:
/// another site's sign-out is refused by origin (Infrastructure/CrossSiteRequests).
/// </remarks>
[IgnoreAntiforgeryToken]
public sealed class LogoutModel(SignInManager<StoreUser> signIn, Storefront.Web.Shopping.ShopperCart cart) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await cart.SignedOutAsync(HttpContext.RequestAborted);
        await signIn.SignOutAsync();
        return RedirectToPage("/Index");
    }
}
