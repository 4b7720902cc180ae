using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Search.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Search;

public sealed class IndexModel(ISearchIndexAdmin index) : PageModel
{
    public SearchIndexStatus Status { get; private set; } = default!;

    public async Task OnGetAsync(CancellationToken ct) => Status = await index.StatusAsync(ct);

    public async Task<IActionResult> OnPostRebuildAsync(CancellationToken ct)
    {
        if (await index.StartRebuildAsync(ct) == RebuildStart.AlreadyRunning)
            TempData.Problem("A rebuild is already running.");
        else
            TempData.Notice("Rebuild started. Search keeps answering from the current index until the new one is complete.");
        return RedirectToPage();
    }
}
