using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

/// <summary>The paid orders waiting to be packed, oldest first, with their packing slips to print and "Packed" for each.</summary>
public sealed class FulfilmentModel(IFulfilmentQueue queue, OutcomeText words) : PageModel
{
    /// <summary>Orders listed, and slips printed, at once.</summary>
    public const int Shown = 100;

    public IReadOnlyList<FulfilmentRow> Pending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Pending = await queue.PendingAsync(Shown, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await queue.PackedAsync(id, User.Identity?.Name ?? "admin", ct);
        TempData.Outcome(result.Succeeded, words.Of(result.Outcome));
        return RedirectToPage();
    }
}
