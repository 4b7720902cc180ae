using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Products;

/// <summary>A checked import: the changes it would make and the button to apply them; then its progress and how each line went.</summary>
public sealed class ImportDetailsModel(IProductFiles files, OutcomeText words) : PageModel
{
    /// <summary>Most lines the page lists.</summary>
    public const int RowsShown = 500;

    public ProductImportView Import { get; private set; } = default!;
    public OutcomeText Words => words;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await files.GetAsync(id, RowsShown, ct) is not { } import) return NotFound();
        Import = import;
        // Progress without script: the page reloads itself every two seconds while the import runs.
        if (import.Status == ImportStatus.Applying) Response.Headers["Refresh"] = "2";
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(Guid id, CancellationToken ct)
    {
        switch (await files.StartAsync(id, User.Identity?.Name ?? "admin", ct))
        {
            case ImportStartOutcome.NotFound:
                return NotFound();
            case ImportStartOutcome.Started:
                TempData.Notice("The import is being applied. This page shows how far it has got.");
                break;
            case ImportStartOutcome.AlreadyStarted:
                TempData.Problem("This import has already been applied (or is being applied). Nothing was done twice.");
                break;
            case ImportStartOutcome.Expired:
                TempData.Problem("This preview is more than an hour old and the store may have changed since: check the file again to apply it.");
                break;
            case ImportStartOutcome.NothingToDo:
                TempData.Problem("This file changes nothing.");
                break;
        }
        return RedirectToPage(new { id });
    }

    public static string StatusText(ProductImportView i) => i.Status switch
    {
        ImportStatus.Previewed when i.Creates + i.Updates == 0 => "Nothing to change",
        ImportStatus.Previewed when i.CanApply => "Waiting to be applied",
        ImportStatus.Previewed => "Not applied (preview expired)",
        ImportStatus.Applying => $"Applying: {i.Done + i.Skipped:N0} of {i.Creates + i.Updates:N0}",
        _ when i.Creates + i.Updates == 0 => "Nothing to change",
        _ when i.Skipped > 0 => $"Applied, {i.Skipped:N0} line{(i.Skipped == 1 ? "" : "s")} skipped",
        _ => "Applied",
    };
}
