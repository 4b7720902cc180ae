using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Web.Caching;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Recommendations.Contracts;

namespace Storefront.Web.Pages.Catalog;

/// <summary>
/// A product page, cached and shared (per page of reviews); the visitor's view is counted for their
/// search ranking by the page's script (/api/visitor), not here.
/// </summary>
[OutputCache(PolicyName = PageCachePolicy.Name, VaryByQueryKeys = ["reviews"])]
public sealed partial class ProductModel(ICatalogQueries catalog, IPricesAndStock stock,
    IRecommendations recommendations, IOptions<RecommendationsOptions> recommendationOptions, IOptions<ReservationOptions> holdOptions,
    Shopping.ProductCards cards, Shopping.CardHtml cardHtml, ILogger<ProductModel> logger) : PageModel
{
    public const int ReviewsPerPage = 5;

    /// <summary>How many products "Customers who bought this also bought" shows.</summary>
    public const int AlsoBoughtShown = 6;

    /// <summary>"Customers who bought this also bought": published, in stock, never the product itself, best first.</summary>
    public IReadOnlyList<ProductSummary> AlsoBought { get; private set; } = [];

    /// <summary>Best-sellers of the product's category (or the ones above it) when too few products were bought with it.</summary>
    public IReadOnlyList<ProductSummary> Popular { get; private set; } = [];

    /// <summary>The grids of <see cref="AlsoBought"/> and <see cref="Popular"/>, made from cards rendered once.</summary>
    public Microsoft.AspNetCore.Html.IHtmlContent? AlsoBoughtGrid { get; private set; }

    /// <inheritdoc cref="AlsoBoughtGrid"/>
    public Microsoft.AspNetCore.Html.IHtmlContent? PopularGrid { get; private set; }

    /// <summary>Where <see cref="Popular"/> comes from: the product's own category, or one above it.</summary>
    public string? PopularSource { get; private set; }

    /// <summary>"Frequently bought together": this product's best one or two complements, in stock.</summary>
    public IReadOnlyList<ProductSummary> Bundle { get; private set; } = [];

    /// <summary>The product with its whole bundle, at today's prices.</summary>
    public Money? BundlePrice { get; private set; }

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
        if (recommendationOptions.Value.ShowOnProductPage) await RecommendAsync(product, cancellationToken);
        PageTags.Add(HttpContext, PageTags.ProductPages, PageTags.Product(product.Sku), PageTags.ProductId(product.Id), PageTags.Stock(product.Sku));
        PageTags.Add(HttpContext, product.Breadcrumbs.Select(c => PageTags.Category(c.Id)));
        PageTags.AddCards(HttpContext, AlsoBought.Concat(Popular).Concat(Bundle));
        return Page();
    }

    private async Task RecommendAsync(ProductDetails product, CancellationToken ct)
    {
        try
        {
            var list = await recommendations.AlsoBoughtAsync(product.Sku, ct);
            if (list.Count == 0) return;
            var products = await cards.GetAsync(list.Select(r => r.Sku).ToList(), ct);
            bool Sellable(string sku) => sku != product.Sku && products.TryGetValue(sku, out var p) && p.Available > 0;
            var shown = list.Where(r => Sellable(r.Sku)).ToList();
            AlsoBought = shown.Where(r => r.GoesWith).Take(AlsoBoughtShown).Select(r => products[r.Sku]).ToList();
            Popular = shown.Where(r => !r.GoesWith).Take(AlsoBoughtShown).Select(r => products[r.Sku]).ToList();
            PopularSource = shown.FirstOrDefault(r => !r.GoesWith)?.Source;
            if (AlsoBought.Count > 0) AlsoBoughtGrid = await cardHtml.GridAsync(AlsoBought);
            if (Popular.Count > 0) PopularGrid = await cardHtml.GridAsync(Popular);
            var own = product.Breadcrumbs.Count > 0 ? product.Breadcrumbs[^1].Id : (int?)null;
            if (Stock is { Available: > 0 } stock)
            {
                Bundle = Recommendations.Contracts.Bundles.Choose(list, own, Sellable).Select(r => products[r.Sku])
                    .Where(p => p.Price?.Currency == stock.Price.Currency).ToList();
                if (Bundle.Count > 0) BundlePrice = new Money(stock.Price.Amount + Bundle.Sum(p => p.Price!.Value.Amount), stock.Price.Currency);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A suggestion, not the page: without it the product is still shown and sold (and the
            // page is not kept without it).
            LogAlsoBoughtFailed(ex, product.Sku);
            PageCachePolicy.DoNotStore(HttpContext);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Product {Sku}: its recommendations could not be read; the page is shown without them")]
    private partial void LogAlsoBoughtFailed(Exception exception, string sku);
}
