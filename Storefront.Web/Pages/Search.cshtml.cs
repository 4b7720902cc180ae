using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Search.Contracts;
using Storefront.Web.Forms;

namespace Storefront.Web.Pages;

/// <summary>
/// Search results, cached and shared per query (every query value counts) unless ranked by the
/// visitor's own history; on a shared page the click tokens come from /api/visitor.
/// </summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Caching.PageCachePolicy.SearchName, VaryByQueryKeys = ["*"])]
public sealed class SearchModel(ISearch search, Storefront.Catalog.Contracts.ICatalogQueries catalog, Shopping.SearchClicks clicks,
    IValidator<PriceRange> priceRangeRules) : PageModel
{
    public SearchPage Results { get; private set; } = default!;

    private string? _visitor;

    /// <summary>Whether this page is shared by every visitor (no click tokens, no personal ranking in it).</summary>
    public bool Shared { get; private set; }

    /// <summary>The token a click on this result sends (see <see cref="Shopping.SearchClicks"/>).</summary>
    public string? ClickToken(Guid productId) => _visitor is null ? null : clicks.TokenFor(_visitor, productId);

    /// <summary>Category names by slug, for the category facet.</summary>
    public Dictionary<string, string> CategoryNames { get; } = new(StringComparer.Ordinal);

    /// <summary>The top-level categories, offered when the search engine fails.</summary>
    public List<(string Slug, string Name)> TopCategories { get; } = [];

    public async Task OnGetAsync(string? q, string? brand, string? category, string? min, string? max, int? rating, bool? instock,
        string? sort, [FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        var order = sort switch
        {
            "price-asc" => SearchSort.PriceLowHigh, "price-desc" => SearchSort.PriceHighLow, "rating" => SearchSort.Rating,
            "newest" => SearchSort.Newest, _ => SearchSort.Relevance,
        };
        void Walk(IEnumerable<Storefront.Catalog.Contracts.CategoryNode> nodes)
        {
            foreach (var node in nodes)
            {
                CategoryNames[node.Slug] = node.Name;
                Walk(node.Children);
            }
        }
        var tree = await catalog.GetCategoryTreeAsync(ct);
        Walk(tree);
        TopCategories.AddRange(tree.Select(n => (n.Slug, n.Name)));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Shared = Caching.PageCachePolicy.Shares(HttpContext);
        _visitor = Shared ? null : Shopping.Visitor.Of(HttpContext, create: true)!;
        // A refused price filter is left out; PriceProblem says why.
        var prices = new PriceRange { Min = min, Max = max };
        if (!await priceRangeRules.ValidateIntoAsync(prices, ModelState, "", ct)) prices = new PriceRange();
        Results = await search.SearchAsync(new ShopperSearch(q?.Length > 200 ? q[..200] : q, Clean(brand), Clean(category),
            prices.Lowest, prices.Highest, rating, instock == true, order, page ?? 1) { Visitor = _visitor }, ct);
        // "Search is not answering" is for now, not for the next ten minutes.
        if (Results.EngineFailed) Caching.PageCachePolicy.DoNotStore(HttpContext);
        Caching.PageTags.Add(HttpContext, Caching.PageTags.Listing);
        Caching.PageTags.Add(HttpContext, Results.Result.Hits.SelectMany(h => new[] { Caching.PageTags.Product(h.Sku), Caching.PageTags.ProductId(h.ProductId) }));
        // How long the search itself took, for browser tools and load tests (the rest is the page).
        Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
            $"search;dur={System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}");
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) || value.Length > 100 ? null : value.Trim();

    /// <summary>Why the price filter in the address was left out, if it was.</summary>
    public string? PriceProblem => new[] { "min", "max" }.SelectMany(f => ModelState[f]?.Errors ?? []).FirstOrDefault()?.ErrorMessage;

    /// <summary>
    /// What search engines are told: the results for words (or a brand), and their later pages, stand
    /// for themselves; filtered or sorted results point to them and are not indexed (robots.txt keeps
    /// crawlers out too), nor are the empty search page, a search with no results or one the engine
    /// failed to answer.
    /// </summary>
    public (string Canonical, bool NoIndex) Indexing()
    {
        var s = Results.Search;
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(s.Query)) parts.Add("q=" + Uri.EscapeDataString(s.Query.Trim()));
        if (s.Brand is { } brand) parts.Add("brand=" + Uri.EscapeDataString(brand));
        var page = Math.Min(s.Page, Results.PageCount);
        if (page > 1 && parts.Count > 0) parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        var canonical = Url.Page("/Search") + (parts.Count > 0 ? "?" + string.Join("&", parts) : "");
        var query = Request.Query;
        var filtered = new[] { "category", "min", "max", "rating", "instock", "sort" }.Any(k => query[k].ToString().Length > 0);
        return (canonical, filtered || parts.Count == 0 || Results.EngineFailed || Results.Result.Total == 0);
    }

    /// <summary>The current search with some parameters changed (null removes one).</summary>
    public string With(params (string Key, string? Value)[] changes)
    {
        var s = Results.Search;
        var values = new Dictionary<string, string?>
        {
            ["q"] = s.Query, ["brand"] = s.Brand, ["category"] = s.Category,
            ["min"] = s.MinPrice?.ToString(CultureInfo.InvariantCulture), ["max"] = s.MaxPrice?.ToString(CultureInfo.InvariantCulture),
            ["rating"] = s.MinRating?.ToString(CultureInfo.InvariantCulture), ["instock"] = s.InStockOnly ? "true" : null,
            ["sort"] = Request.Query["sort"].ToString(), ["page"] = null,
        };
        foreach (var (key, value) in changes) values[key] = value;
        return Url.Page("/Search") + "?" + string.Join("&", values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => $"{v.Key}={Uri.EscapeDataString(v.Value!)}"));
    }
}
