using Microsoft.AspNetCore.Mvc;
using Storefront.Catalog.Contracts;
using Storefront.Web.Infrastructure;
using Storefront.Web.Shopping;

namespace Storefront.Web.ViewComponents;

/// <summary>
/// The site header: search, account links, the cart count and the category menu. It only reads —
/// no cart is made, merged or restored and no cookie is set while a page renders — and it renders
/// without the menu or the count when the catalog or the cart cannot be read (an outage's error page
/// uses it too).
/// </summary>
public sealed class SiteHeaderViewComponent(ICatalogQueries catalog, ShopperCart cart) : ViewComponent
{
    /// <param name="Shared">
    /// The page is cached and shown to every visitor: the header shows nobody's cart or account, and
    /// wwwroot/js/visitor.js fills them in from /api/visitor.
    /// </param>
    public sealed record Model(IReadOnlyList<CategoryNode> Categories, int? CartCount, bool SignedIn, bool IsAdmin, string? Query, bool Shared);

    public async Task<IViewComponentResult> InvokeAsync()
    {
        IReadOnlyList<CategoryNode> tree;
        try
        {
            tree = await catalog.GetCategoryTreeAsync(HttpContext.RequestAborted);
        }
        catch (Exception ex) when (DependencyOutages.Of(ex) is not null)
        {
            tree = [];
            Caching.PageCachePolicy.DoNotStore(HttpContext);
        }
        if (Caching.PageCachePolicy.Shares(HttpContext))
            return View(new Model(tree, null, false, false, HttpContext.Request.Query["q"], Shared: true));
        return View(new Model(tree, await cart.CountAsync(HttpContext.RequestAborted),
            User.Identity?.IsAuthenticated == true, Identity.Roles.ClaimsStaff(UserClaimsPrincipal), HttpContext.Request.Query["q"], Shared: false));
    }
}
