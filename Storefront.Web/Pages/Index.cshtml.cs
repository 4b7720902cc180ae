using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Web.Caching;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Pages;

[OutputCache(PolicyName = PageCachePolicy.Name)]
public sealed class IndexModel(ICatalogQueries catalog) : PageModel
{
    public IReadOnlyList<CategoryNode> Categories { get; private set; } = [];
    public IReadOnlyList<ProductSummary> Featured { get; private set; } = [];
    public IReadOnlyList<ProductSummary> Newest { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Categories = await catalog.GetCategoryTreeAsync(cancellationToken);
        Featured = await catalog.GetFeaturedAsync(10, cancellationToken);
        Newest = await catalog.GetNewestAsync(10, cancellationToken);
        PageTags.Add(HttpContext, PageTags.Listing);
        PageTags.AddCards(HttpContext, Featured.Concat(Newest));
    }
}
