using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Sale;

/// <summary>The confirmation of a sale purchase: shown at once, filled in with the order when the order job has made it.</summary>
public sealed class PurchaseModel(IFlashSaleRoom sales, IOrders orders, OrderAccess access) : PageModel
{
    public PurchaseView Purchase { get; private set; } = default!;
    public string Reference => SaleApi.Reference(Purchase.Id);
    public string? OrderLink { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid id, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NotFound();
        var customer = SaleShopper.Customer(HttpContext, sale, create: false);
        if (customer is null || await sales.GetPurchaseAsync(id, customer, ct) is not { } purchase || purchase.SaleSlug != slug) return NotFound();
        Purchase = purchase;
        if (purchase is { State: PurchaseState.Ordered, OrderNumber: { } number } && await orders.GetAsync(number, ct) is { } order)
        {
            // A guest's link carries the order's key; an account's own orders need none.
            var key = SaleShopper.SignedIn(HttpContext) ? null : access.KeyFor(order);
            OrderLink = Url.Page("/Orders/Order", new { number, key });
        }
        return Page();
    }
}
