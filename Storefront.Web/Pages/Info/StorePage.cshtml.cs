using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Catalog.Contracts;
using Storefront.Web.Caching;

namespace Storefront.Web.Pages.Info;

/// <summary>A store page (terms, privacy, shipping and returns…), cached like every shared page; a change to any page evicts them all (the footer is on each).</summary>
[OutputCache(PolicyName = PageCachePolicy.Name)]
public sealed class StorePageModel(IStorePages pages) : PageModel
{
    public StorePageView Shown { get; private set; } = default!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await pages.GetAsync(slug, cancellationToken) is not { } page) return NotFound();
        Shown = page;
        return Page();
    }
}
