using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class FulfilmentModel(IFulfilmentQueue queue, OutcomeText words) : PageModel
{
    public IReadOnlyList<FulfilmentRow> Pending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Pending = await queue.PendingAsync(100, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await queue.PackedAsync(id, User.Identity?.Name ?? "admin", ct);
        TempData.Outcome(result.Succeeded, words.Of(result.Outcome));
        return RedirectToPage();
    }
}
