using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Categories;

public sealed class IndexModel(ICatalogAdmin catalog, OutcomeText words) : PageModel
{
    public IReadOnlyList<AdminCategoryRow> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Categories = await catalog.ListCategoriesAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, int? parentId, CancellationToken ct) =>
        Done(await catalog.CreateCategoryAsync(name ?? "", parentId is > 0 ? parentId : null, ct), $"Category “{name?.Trim()}” created.");

    public async Task<IActionResult> OnPostRenameAsync(int id, string? name, CancellationToken ct) =>
        Done(await catalog.RenameCategoryAsync(id, name ?? "", ct), "Category renamed.");

    public async Task<IActionResult> OnPostMoveAsync(int id, int? parentId, CancellationToken ct) =>
        Done(await catalog.MoveCategoryAsync(id, parentId is > 0 ? parentId : null, ct), "Category moved with everything in it.");

    private RedirectToPageResult Done(CommandResult<int> result, string notice)
    {
        if (result.Succeeded) TempData.Notice(notice);
        else TempData.Problem(string.Join(" ", result.Errors.SelectMany(e => e.Value).Select(words.Of)));
        return RedirectToPage();
    }
}
