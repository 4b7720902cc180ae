using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Web.Caching;
using Storefront.Catalog.Contracts;
using Storefront.Web.Forms;

namespace Storefront.Web.Pages.Catalog;

/// <summary>A category's products, cached per filter combination (every query value counts).</summary>
[OutputCache(PolicyName = PageCachePolicy.Name, VaryByQueryKeys = ["*"])]
public sealed class CategoryModel(ICatalogQueries catalog, IValidator<PriceRange> priceRangeRules) : PageModel
{
    public CategoryBrowseResult Result { get; private set; } = default!;
    public ProductSort Sort { get; private set; }
    public IReadOnlyList<string> SelectedBrands { get; private set; } = [];
    public IReadOnlyDictionary<string, string> SelectedAttributes { get; private set; } = new Dictionary<string, string>();
    public decimal? MinPrice { get; private set; }
    public decimal? MaxPrice { get; private set; }

    /// <summary>The price filter as typed, shown again beside its message when it is refused.</summary>
    public PriceRange PriceRange { get; private set; } = new();

    public static readonly IReadOnlyList<(ProductSort Sort, string Value, string Label)> SortOptions =
    [
        (ProductSort.Newest, "newest", "Newest"),
        (ProductSort.PriceLowHigh, "price-asc", "Price: low to high"),
        (ProductSort.PriceHighLow, "price-desc", "Price: high to low"),
        (ProductSort.Rating, "rating", "Customer rating"),
    ];

    public async Task<IActionResult> OnGetAsync(string slug, string? sort, string[]? brand, string? min, string? max,
        string? after, string? before, CancellationToken cancellationToken)
    {
        Sort = SortOptions.FirstOrDefault(o => o.Value == sort).Sort;
        SelectedBrands = (brand ?? []).Where(b => !string.IsNullOrWhiteSpace(b) && b.Length <= 100).Distinct().Take(20).ToList();
        PriceRange = new PriceRange { Min = min, Max = max };
        // A refused price filter is left out (the message says why) rather than failing the page.
        if (await priceRangeRules.ValidateIntoAsync(PriceRange, ModelState, "", cancellationToken))
            (MinPrice, MaxPrice) = (PriceRange.Lowest, PriceRange.Highest);
        SelectedAttributes = Request.Query
            .Where(q => q.Key.StartsWith("attr.", StringComparison.Ordinal) && q.Key.Length < 60)
            .Select(q => (Key: q.Key[5..], Value: q.Value.ToString()))
            .Where(q => q.Value.Length is > 0 and <= 100)
            .ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);

        var result = await catalog.BrowseCategoryAsync(new CategoryBrowseRequest(slug, Sort, SelectedBrands, MinPrice, MaxPrice,
            SelectedAttributes, after, before), cancellationToken);
        if (result is null) return NotFound();
        Result = result;
        PageTags.Add(HttpContext, PageTags.Listing, PageTags.Category(result.Category.Id));
        PageTags.AddCards(HttpContext, result.Products);
        return Page();
    }

    /// <summary>
    /// What search engines are told: the listing (and each later page of it, reached by "next")
    /// stands for itself; a sorted or filtered variant, or a page reached backwards, points to the
    /// listing and is not indexed (robots.txt keeps crawlers out of the filtered ones too). Any
    /// other query value (a campaign's tags) is left out of the canonical address.
    /// </summary>
    public (string Canonical, bool NoIndex) Indexing()
    {
        var listing = Url.Page("/Catalog/Category", new { slug = Result.Category.Slug })!;
        var query = Request.Query;
        var variant = query.ContainsKey("sort") || query.ContainsKey("brand") || query.ContainsKey("min") || query.ContainsKey("max")
            || query.Keys.Any(k => k.StartsWith("attr.", StringComparison.Ordinal)) || query.ContainsKey("before");
        if (variant) return (listing, true);
        return query["after"].ToString() is { Length: > 0 } after && Result.Page > 1
            ? (listing + QueryString.Create("after", after), false)
            : (listing, false);
    }

    /// <summary>The current filters as query values, with one cursor replaced.</summary>
    public string Link(string? after = null, string? before = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (Sort != ProductSort.Newest) query.Add(new("sort", SortOptions.First(o => o.Sort == Sort).Value));
        query.AddRange(SelectedBrands.Select(b => new KeyValuePair<string, string?>("brand", b)));
        if (MinPrice is { } mn) query.Add(new("min", mn.ToString(CultureInfo.InvariantCulture)));
        if (MaxPrice is { } mx) query.Add(new("max", mx.ToString(CultureInfo.InvariantCulture)));
        query.AddRange(SelectedAttributes.Select(a => new KeyValuePair<string, string?>("attr." + a.Key, a.Value)));
        if (after is not null) query.Add(new("after", after));
        if (before is not null) query.Add(new("before", before));
        return Url.Page("/Catalog/Category", new { slug = Result.Category.Slug }) + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }
}
