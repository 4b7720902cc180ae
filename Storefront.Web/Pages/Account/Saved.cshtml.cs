using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>A saved product with what it is now: its price and how many can be bought (null when it is no longer on sale).</summary>
public sealed record SavedRow(SavedProduct Saved, ProductSummary? Product);

/// <summary>
/// "Save for later": the products a signed-in shopper keeps, with their price now and whether they
/// can be bought, to add to the cart or remove. The product page's form is on a cached, shared page,
/// so it carries no per-visitor token; cross-site posts are refused by origin, as the cart's are.
/// A visitor who is not signed in is sent to sign in and back to the product.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class SavedModel(ISavedProducts saved, ICatalogQueries catalog) : PageModel
{
    public IReadOnlyList<SavedRow> Rows { get; private set; } = [];

    private string? UserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (UserId is not { } userId) return Challenge();
        var kept = await saved.ForUserAsync(userId, ct);
        var products = await catalog.GetProductsBySkuAsync(kept.Select(s => s.Sku).ToList(), ct);
        Rows = kept.Select(s => new SavedRow(s, products.GetValueOrDefault(s.Sku))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? sku, string? returnUrl, CancellationToken ct)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : Url.Page("/Index")!;
        if (UserId is not { } userId)
        {
            TempData.Notice("Sign in first: saved products are kept in your account. You will be back on the product to save it.");
            return RedirectToPage("/Account/Login", new { ReturnUrl = back });
        }
        var product = string.IsNullOrWhiteSpace(sku) || sku.Length > 64 ? null
            : (await catalog.GetProductsBySkuAsync([sku.Trim()], ct)).GetValueOrDefault(sku.Trim());
        if (product is null)
        {
            TempData.Problem("That product is not for sale.");
            return LocalRedirect(back);
        }
        switch (await saved.SaveAsync(userId, product.Sku, ct))
        {
            case SavedOutcome.TooMany:
                TempData.Problem($"You have {ISavedProducts.MaxPerAccount} products saved already. Remove one you no longer want to save another.");
                break;
            default:
                TempData.Notice($"“{product.Title}” is saved for later. Your saved products are on your account page.");
                break;
        }
        return LocalRedirect(back);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? sku, CancellationToken ct)
    {
        if (UserId is not { } userId) return Challenge();
        if (sku is { Length: > 0 and <= 64 } && await saved.RemoveAsync(userId, sku, ct)) TempData.Notice("Removed from your saved products.");
        else TempData.Problem("That product was removed already.");
        return RedirectToPage();
    }
}
