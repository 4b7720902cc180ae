using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class FulfilmentModel(IFulfilmentQueue queue) : PageModel
{
    public IReadOnlyList<FulfilmentRow> Pending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Pending = await queue.PendingAsync(100, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await queue.PackedAsync(id, User.Identity?.Name ?? "admin", ct);
        TempData.Outcome(result.Succeeded, result.Message);
        return RedirectToPage();
    }
}
