using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Products;

/// <summary>
/// Products from a spreadsheet: a CSV file is checked whole (any problem, and the page lists them and
/// nothing changes), then shown as the changes it would make; the merchant applies it from there.
/// </summary>
[RequestSizeLimit(IProductFiles.MaxBytes + 1024 * 1024)]
public sealed class ImportModel(IProductFiles files, OutcomeText words) : PageModel
{
    public IReadOnlyList<ProductImportView> Recent { get; private set; } = [];
    public IReadOnlyList<(int Line, string Column, string Text)> Problems { get; private set; } = [];
    public int ProblemCount { get; private set; }
    public string? FileName { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Recent = await files.RecentAsync(10, ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            TempData.Problem("Choose a CSV file to import.");
            return RedirectToPage();
        }
        FileName = Path.GetFileName(file.FileName);
        ImportCheckResult checkedFile;
        if (file.Length > IProductFiles.MaxBytes)
        {
            checkedFile = new ImportCheckResult(null, [new ImportProblem(1, "", Storefront.BuildingBlocks.Outcomes.Problem.Of(CatalogProblems.ImportTooLarge,
                ("megabytes", IProductFiles.MaxBytes / 1024 / 1024)))], 1);
        }
        else
        {
            await using var content = file.OpenReadStream();
            checkedFile = await files.CheckAsync(file.FileName, content, User.Identity?.Name ?? "admin", ct);
        }
        if (checkedFile.ImportId is { } id) return RedirectToPage("/Products/ImportDetails", new { id });
        Problems = checkedFile.Problems.Select(p => (p.Line, p.Column, words.Of(p.Problem))).ToList();
        ProblemCount = checkedFile.ProblemCount;
        Recent = await files.RecentAsync(10, ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
