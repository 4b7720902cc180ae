using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Pages.Checkout;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Sale;

/// <summary>
/// The admitted shopper's purchase: address and card while the window lasts. Confirming takes the
/// unit at once (one Redis script) and shows the confirmation; the order is made within seconds.
/// </summary>
public sealed class BuyModel(IFlashSaleRoom sales, IOrders orders, OutcomeText words, IOptions<CheckoutOptions> checkout, IOptions<FlashSaleOptions> options) : PageModel
{
    public SaleView Sale { get; private set; } = default!;
    public PlaceInLine? Place { get; private set; }
    [BindProperty] public CheckoutForm Form { get; set; } = new();
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);
    public string? Problem { get; private set; }
    public IReadOnlyList<string> Countries => checkout.Value.ShipsTo;
    public bool UsesStripe => string.Equals(checkout.Value.Gateway, "stripe", StringComparison.OrdinalIgnoreCase);
    public string StripePublishableKey => checkout.Value.Stripe.PublishableKey;

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct) is { } away) return away;
        if (SaleShopper.UserId(HttpContext) is { } user)
        {
            Form.Email = User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? User.Identity?.Name ?? "";
            // The shopper's saved address: the one their last order went to.
            if ((await orders.ForUserAsync(user, ct)).OrderByDescending(o => o.PlacedAt).FirstOrDefault() is { } last
                && await orders.GetAsync(last.Number, ct) is { } order)
            {
                var a = order.ShippingAddress;
                (Form.Name, Form.Line1, Form.Line2, Form.City, Form.Region, Form.PostalCode, Form.Country) = (a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
                Form.Email = order.Email;
            }
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, string? card, CancellationToken ct)
    {
        if (await LoadAsync(slug, ct, mustBeAdmitted: false) is { } away) return away;
        var result = await sales.PurchaseAsync(new PurchaseRequest(slug, SaleShopper.PassOf(HttpContext, Sale) ?? "",
            SaleShopper.Customer(HttpContext, Sale, create: false) ?? "", SaleShopper.UserId(HttpContext), (Form.Email ?? "").Trim(),
            Form.ToAddress(), options.Value.ShippingMethod, card ?? ""), ct);
        switch (result.Outcome)
        {
            case PurchaseOutcome.Confirmed:
                return RedirectToPage("/Sale/Purchase", new { slug, id = result.PurchaseId });
            case PurchaseOutcome.Invalid:
                foreach (var (field, problem) in result.FieldErrors ?? new Dictionary<string, BuildingBlocks.Outcomes.Problem>())
                    Errors[field] = words.Of(problem);
                break;
            default:
                Problem = words.Of(result.Problem, "Nothing was taken.");
                if (result.RetryAfter is { } wait) Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken ct, bool mustBeAdmitted = true)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NotFound();
        Sale = sale;
        var status = await sales.StatusAsync(slug, SaleShopper.PassOf(HttpContext, sale), SaleShopper.Customer(HttpContext, sale, create: false), ct);
        Place = status.Place;
        // Only an admitted shopper has anything to do here; the sale page says where the others stand.
        if (mustBeAdmitted && status.Place?.State != ShopperState.Admitted) return RedirectToPage("/Sale/Index", new { slug });
        return null;
    }
}
