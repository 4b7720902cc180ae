using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Search.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Areas.Admin.Pages.Search;

public sealed class IndexModel(ISearchIndexAdmin index, IBackgroundJobClient jobs) : PageModel
{
    public SearchIndexStatus Status { get; private set; } = default!;

    public async Task OnGetAsync(CancellationToken ct) => Status = await index.StatusAsync(ct);

    public async Task<IActionResult> OnPostRebuildAsync(CancellationToken ct)
    {
        var status = await index.StatusAsync(ct);
        if (status.RebuildingSince is not null)
        {
            TempData["Problem"] = "A rebuild is already running.";
        }
        else
        {
            jobs.Enqueue<SearchRebuildJob>(job => job.RunAsync(CancellationToken.None));
            TempData["Notice"] = "Rebuild started. Search keeps answering from the current index until the new one is complete.";
        }
        return Redirect("/admin/search");
    }
}
