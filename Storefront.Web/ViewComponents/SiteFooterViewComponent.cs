using Microsoft.AspNetCore.Mvc;
using Storefront.Catalog.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.ViewComponents;

/// <summary>
/// The site footer: the links to the store pages the merchant put there. Read from the instance's
/// copy of the published pages; when the catalog cannot be read the footer shows none (and the page
/// is not cached without them).
/// </summary>
public sealed class SiteFooterViewComponent(IStorePages pages) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        IReadOnlyList<StorePageLink> links;
        try
        {
            links = (await pages.LinksAsync(HttpContext.RequestAborted)).Footer;
        }
        catch (Exception ex) when (DependencyOutages.Of(ex) is not null)
        {
            links = [];
            Caching.PageCachePolicy.DoNotStore(HttpContext);
        }
        return View(links);
    }
}
