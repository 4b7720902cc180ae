using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Recommendations;

/// <summary>
/// The recommendations: the last rebuilds, coverage, and any product's list with scores and
/// sources, where the merchant pins a product to the list or blocks a pair. A change shows on the
/// next page view.
/// </summary>
public sealed class IndexModel(IRecommendationsAdmin admin, ICatalogQueries catalog) : PageModel
{
    public IReadOnlyList<RebuildReport> Runs { get; private set; } = [];
    public RecommendationCoverage Coverage { get; private set; } = new(0, 0, 0);

    /// <summary>The product looked up, when one was.</summary>
    [BindProperty(SupportsGet = true, Name = "sku")]
    public string? Sku { get; set; }

    public CuratedList? List { get; private set; }

    /// <summary>Titles of the products on the page (published ones; others show their SKU only).</summary>
    public IReadOnlyDictionary<string, ProductSummary> Products { get; private set; } = new Dictionary<string, ProductSummary>();

    public string? LookupProblem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Runs = await admin.RecentRunsAsync(10, ct);
        Coverage = await admin.CoverageAsync(ct);
        Sku = Sku?.Trim();
        if (string.IsNullOrEmpty(Sku)) return;
        if (Sku.Length > 64)
        {
            LookupProblem = "A SKU is at most 64 characters.";
            return;
        }
        List = await admin.ListAsync(Sku, ct);
        Products = await catalog.GetProductsBySkuAsync([Sku, .. List.Items.Select(i => i.Sku), .. List.Pinned, .. List.Blocked], ct);
        if (!Products.ContainsKey(Sku) && List.Items.Count == 0)
            LookupProblem = $"No published product has the SKU “{Sku}”.";
    }

    public IActionResult OnPostRebuild()
    {
        admin.QueueRebuild();
        TempData.Notice("The rebuild has started. Shoppers see the current lists until it finishes; reload this page to see it in the runs.");
        return RedirectToPage(new { sku = Sku });
    }

    public Task<IActionResult> OnPostPinAsync(string? other, CancellationToken ct) =>
        ChangeAsync(other, requirePublished: true, admin.PinAsync, o => $"“{o}” is now pinned to the top of this list.", ct);

    public Task<IActionResult> OnPostUnpinAsync(string? other, CancellationToken ct) =>
        ChangeAsync(other, requirePublished: false, admin.UnpinAsync, o => $"“{o}” is no longer pinned.", ct);

    public Task<IActionResult> OnPostBlockAsync(string? other, CancellationToken ct) =>
        ChangeAsync(other, requirePublished: false, admin.BlockAsync, o => $"“{o}” and this product are no longer recommended together.", ct);

    public Task<IActionResult> OnPostUnblockAsync(string? other, CancellationToken ct) =>
        ChangeAsync(other, requirePublished: false, admin.UnblockAsync, o => $"“{o}” and this product may be recommended together again.", ct);

    private async Task<IActionResult> ChangeAsync(string? other, bool requirePublished, Func<string, string, CancellationToken, Task> change,
        Func<string, string> done, CancellationToken ct)
    {
        var (sku, with) = (Sku?.Trim() ?? "", other?.Trim() ?? "");
        if (sku.Length is 0 or > 64) return Refuse("Look up a product first.");
        if (with.Length is 0 or > 64) return Refuse("Enter the SKU of the other product.");
        if (with == sku) return Refuse("A product cannot be recommended with itself.");
        if (requirePublished && !(await catalog.GetProductsBySkuAsync([with], ct)).ContainsKey(with))
            return Refuse($"No published product has the SKU “{with}”.");
        await change(sku, with, ct);
        TempData.Notice(done(with));
        return RedirectToPage(new { sku });
    }

    private RedirectToPageResult Refuse(string message)
    {
        TempData.Problem(message);
        return RedirectToPage(new { sku = Sku });
    }
}
