using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Pages.Catalog;

public sealed class ProductModel(ICatalogQueries catalog, IPricesAndStock stock, Storefront.Search.Contracts.ISearchSignals signals,
    IOptions<ReservationOptions> holdOptions) : PageModel
{
    public const int ReviewsPerPage = 5;

    public ProductDetails Product { get; private set; } = default!;
    public SkuStock? Stock { get; private set; }

    /// <summary>The most one cart may hold, shown when the product's stock is limited.</summary>
    public int? HoldLimit { get; private set; }
    public Paged<ReviewView> Reviews { get; private set; } = default!;

    public async Task<IActionResult> OnGetAsync(string slug, int? reviews, CancellationToken cancellationToken)
    {
        var product = await catalog.GetProductAsync(slug, cancellationToken);
        if (product is null) return NotFound();
        Product = product;
        // The live price and stock come from Inventory, not from the catalog's listing copy.
        Stock = await stock.GetAsync(product.Sku, cancellationToken);
        if (Stock is { } s && holdOptions.Value.Enabled && holdOptions.Value.IsLimited(s.OnHand)) HoldLimit = holdOptions.Value.LimitPerHolder(s.OnHand);
        Reviews = await catalog.GetReviewsAsync(product.Id, Math.Max(1, reviews ?? 1), ReviewsPerPage, cancellationToken);
        // What the shopper looks at lifts its brand and category in their searches. Only a visitor
        // who came back with the cookie (or is signed in) has a history: a crawler keeps no cookies,
        // and would otherwise leave a history key per request. The first visit sets the cookie.
        if (Shopping.Visitor.Of(HttpContext, create: false) is { } visitor)
            await signals.ViewedAsync(visitor, product.Brand, product.Breadcrumbs.Count > 0 ? product.Breadcrumbs[^1].Slug : null, cancellationToken);
        else
            Shopping.Visitor.Of(HttpContext, create: true);
        return Page();
    }
}
