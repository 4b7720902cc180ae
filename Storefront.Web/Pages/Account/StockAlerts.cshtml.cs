using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>A stock alert with the product it is for (null when the product is no longer on sale).</summary>
public sealed record StockAlertRow(StockAlertView Alert, ProductSummary? Product);

/// <summary>
/// "Tell me when it is back": the products a signed-in shopper waits for, and the form of an
/// out-of-stock product page that adds one. That form is on a cached, shared page, so it carries no
/// per-visitor token; cross-site posts are refused by origin (<c>CrossSiteRequests</c>), as the
/// cart's are. A visitor who is not signed in is sent to sign in and back to the product.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StockAlertsModel(IStockAlerts alerts, ICatalogQueries catalog) : PageModel
{
    public IReadOnlyList<StockAlertRow> Alerts { get; private set; } = [];

    private string? UserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (UserId is not { } userId) return Challenge();
        var waiting = await alerts.ForUserAsync(userId, ct);
        var products = await catalog.GetProductsBySkuAsync(waiting.Select(a => a.Sku).ToList(), ct);
        Alerts = waiting.Select(a => new StockAlertRow(a, products.GetValueOrDefault(a.Sku))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(string? sku, string? returnUrl, CancellationToken ct)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : Url.Page("/Index")!;
        if (UserId is not { } userId)
        {
            TempData.Notice("Sign in first: the news goes to your account's address. You will be back on the product to ask.");
            return RedirectToPage("/Account/Login", new { ReturnUrl = back });
        }
        var product = string.IsNullOrWhiteSpace(sku) ? null : (await catalog.GetProductsBySkuAsync([sku.Trim()], ct)).GetValueOrDefault(sku.Trim());
        if (product is null)
        {
            TempData.Problem("That product is not for sale.");
            return LocalRedirect(back);
        }
        var outcome = await alerts.AddAsync(product.Sku, userId, ct);
        switch (outcome)
        {
            case StockAlertOutcome.Added or StockAlertOutcome.AlreadyAdded:
                TempData.Notice($"We will e-mail you once when “{product.Title}” is back in stock. Your alerts are on your account page.");
                break;
            case StockAlertOutcome.InStock:
                TempData.Notice($"“{product.Title}” is in stock now: you can add it to your cart.");
                break;
            case StockAlertOutcome.TooMany:
                TempData.Problem($"You are waiting for {StockAlertLimits.MaxPerAccount} products already. Remove one on your account page to add another.");
                break;
            default:
                TempData.Problem("That product is not for sale.");
                break;
        }
        return LocalRedirect(back);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (UserId is not { } userId) return Challenge();
        if (await alerts.RemoveAsync(id, userId, ct)) TempData.Notice("The alert is removed.");
        else TempData.Problem("That alert was removed already.");
        return RedirectToPage();
    }
}
