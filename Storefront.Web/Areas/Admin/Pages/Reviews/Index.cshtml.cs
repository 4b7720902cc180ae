using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Reviews;

public sealed class IndexModel(ICatalogAdmin catalog) : PageModel
{
    public Paged<AdminReviewRow> Reviews { get; private set; } = default!;
    public string? Show { get; private set; }

    // "page" is also the route value naming the Razor page, which binding would otherwise read first.
    public async Task OnGetAsync(string? show, [FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        Show = show is "hidden" or "visible" ? show : null;
        Reviews = await catalog.ListReviewsAsync(Show is null ? null : Show == "hidden", page ?? 1, 25, ct);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, bool hide, string? show, [FromForm(Name = "page")] int? page, CancellationToken ct)
    {
        if (await catalog.SetReviewHiddenAsync(id, hide, ct))
            TempData.Notice(hide ? "Review hidden; the product's rating no longer counts it." : "Review shown again.");
        else
            TempData.Problem("That review was not found (it may have been deleted); nothing was changed.");
        // Only the two known filters go back into the address; anything else shows every review.
        Show = show is "hidden" or "visible" ? show : null;
        return LocalRedirect(PageLink(page ?? 1));
    }

    /// <summary>
    /// A page of the list with the current filter. "page" names the Razor page among route values,
    /// so the query is written out rather than routed.
    /// </summary>
    public string PageLink(int page) =>
        Url.Page("/Reviews/Index") + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"?show={Show}&page={page}");
}
