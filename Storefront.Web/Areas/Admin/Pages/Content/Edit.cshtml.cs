using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Content;

public sealed class EditModel(IStorePagesAdmin pages, OutcomeText words) : PageModel
{
    public sealed class PageForm
    {
        public string? Title { get; set; }
        public string? Slug { get; set; }
        public string? Summary { get; set; }
        public string? Body { get; set; }
        public bool Published { get; set; }
        public bool InFooter { get; set; }
        public string? Position { get; set; }
        public bool AtCheckout { get; set; }

        /// <summary>When the page was last saved as this form shows it (round-trip format): a save refuses to overwrite a later one.</summary>
        public string? Version { get; set; }
    }

    [BindProperty] public PageForm Input { get; set; } = new();
    public Guid? PageId { get; private set; }
    public string Heading { get; private set; } = "New page";
    public string? SavedSlug { get; private set; }
    public bool SavedPublished { get; private set; }

    /// <summary>The body as shoppers will see it, when the merchant asked for a preview.</summary>
    public string? PreviewHtml { get; private set; }
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (id == "new")
        {
            Input = new PageForm { Published = true, InFooter = true, Position = "0" };
            return Page();
        }
        if (!Guid.TryParse(id, out var pageId) || await pages.GetForEditAsync(pageId, ct) is not { } page) return NotFound();
        Show(page, form: true);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        PreviewHtml = pages.Preview(Input.Body ?? "");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var position = int.TryParse(Input.Position, NumberStyles.None, CultureInfo.InvariantCulture, out var place) ? place : -1;
        var input = new StorePageInput(Input.Title ?? "", Input.Slug ?? "", Input.Summary ?? "", Input.Body ?? "",
            Input.Published, Input.InFooter, position, Input.AtCheckout);
        var by = User.Identity?.Name;
        var result = PageId is { } pageId
            ? await pages.UpdateAsync(pageId, input, SeenVersion(), by, ct)
            : await pages.CreateAsync(input, by, ct);
        if (result.Succeeded)
        {
            TempData.Notice(PageId is null ? "Page created." : "Page saved.");
            return RedirectToPage(new { id = result.Value });
        }
        foreach (var (key, problems) in result.Errors) Errors[key] = problems.Select(words.Of).ToArray();
        if (result.Errors.Values.Any(ps => ps.Any(p => p.Code == CatalogProblems.PageChangedMeanwhile))
            && PageId is { } changed && await pages.GetForEditAsync(changed, ct) is { } now)
        {
            // The form keeps the merchant's words; saving again now replaces the other version, knowingly.
            Input.Version = VersionOf(now);
            ModelState.Remove("Input.Version");
        }
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, string? version, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var pageId)) return NotFound();
        Input.Version = version;
        var result = await pages.DeleteAsync(pageId, SeenVersion(), ct);
        if (result.Succeeded || result.Errors.Values.Any(ps => ps.Any(p => p.Code == CatalogProblems.PageGone)))
        {
            TempData.Notice(result.Succeeded ? "Page deleted." : "That page was already deleted.");
            return RedirectToPage("/Content/Index");
        }
        TempData.Problem(string.Join(" ", result.Errors.SelectMany(e => e.Value).Select(words.Of)));
        return RedirectToPage(new { id });
    }

    /// <summary>The saved page behind the form (its heading and address); false when there is none.</summary>
    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (id == "new") return true;
        if (!Guid.TryParse(id, out var pageId) || await pages.GetForEditAsync(pageId, ct) is not { } page) return false;
        Show(page, form: false);
        return true;
    }

    private void Show(StorePageForEdit page, bool form)
    {
        (PageId, Heading, SavedSlug, SavedPublished) = (page.Id, page.Input.Title, page.Input.Slug, page.Input.Published);
        if (!form) return;
        var i = page.Input;
        Input = new PageForm
        {
            Title = i.Title, Slug = i.Slug, Summary = i.Summary, Body = i.Body, Published = i.Published, InFooter = i.InFooter,
            Position = i.Position.ToString(CultureInfo.InvariantCulture), AtCheckout = i.AtCheckout, Version = VersionOf(page),
        };
    }

    private static string VersionOf(StorePageForEdit page) => page.UpdatedAt.ToString("O", CultureInfo.InvariantCulture);

    private DateTimeOffset? SeenVersion() =>
        DateTimeOffset.TryParseExact(Input.Version, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var seen) ? seen : null;
}
