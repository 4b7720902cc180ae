using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

/// <summary>
/// Packing slips to print: one order's, or those of the orders waiting to be packed (as many as the
/// fulfilment page lists, in its order), one slip to a sheet.
/// </summary>
public sealed class SlipsModel(IFulfilmentQueue queue, IOrders orders) : PageModel
{
    public IReadOnlyList<PackingSlip> Slips { get; private set; } = [];
    public bool OneOrder { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? number, CancellationToken ct)
    {
        if (number is null)
        {
            Slips = await queue.SlipsAsync(FulfilmentModel.Shown, ct);
            return Page();
        }
        if (number.Length > 40 || await orders.GetAsync(number, ct) is not { } order) return NotFound();
        (Slips, OneOrder) = ([PackingSlip.Of(order)], true);
        return Page();
    }
}
