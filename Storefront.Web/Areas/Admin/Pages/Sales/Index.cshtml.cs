using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Sales;

public sealed class IndexModel(IFlashSaleAdmin sales, OutcomeText words) : PageModel
{
    public IReadOnlyList<SaleSummary> Sales { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Sales = await sales.ListAsync(200, ct);

    /// <summary>Takes a draft sale's units out of normal stock; arming one already armed changes nothing.</summary>
    public async Task<IActionResult> OnPostArmAsync(Guid id, CancellationToken ct)
    {
        var result = await sales.ArmAsync(id, User.Identity?.Name ?? "admin", ct);
        if (result.Succeeded)
            TempData.Notice(result.Outcome == ArmOutcome.Armed ? "Sale armed: its units are set aside from normal stock." : "The sale was already armed.");
        else
            TempData.Problem(words.Of(result.Problem, "The sale was not armed."));
        return RedirectToPage();
    }
}
