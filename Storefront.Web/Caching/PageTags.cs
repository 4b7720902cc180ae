using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Caching;

/// <summary>
/// The names a cached page is filed under, so a change evicts exactly the pages that show it (and a
/// CDN can purge them: they are sent as the page's <c>Surrogate-Key</c>):
/// <list type="bullet">
/// <item><c>pages</c>: every cached page (the header's category menu is on all of them).</item>
/// <item><c>listing</c>: pages that list products (home, category, search): a product published,
/// withdrawn or moved can change any of them.</item>
/// <item><c>p:{sku}</c>: a page showing the product's price, rating or stock wording (its own page,
/// and every card of it).</item>
/// <item><c>r:{id}</c>: the same pages by product id (reviews are told by id).</item>
/// <item><c>s:{sku}</c>: the product's own page (its exact stock, the quantity a cart may hold, its recommendations).</item>
/// <item><c>product-pages</c>: every product page (all their recommendations changed).</item>
/// <item><c>c:{id}</c>: a category's pages.</item>
/// </list>
/// </summary>
public static class PageTags
{
    public const string All = "pages";
    public const string Listing = "listing";
    public const string ProductPages = "product-pages";

    public static string Product(string sku) => "p:" + sku;

    public static string ProductId(Guid id) => "r:" + id.ToString("N", CultureInfo.InvariantCulture);

    public static string Stock(string sku) => "s:" + sku;

    public static string Category(int id) => "c:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Files the page being rendered under these tags (nothing when the page is not being cached).</summary>
    public static void Add(HttpContext http, params IEnumerable<string> tags)
    {
        if (http.Features.Get<IOutputCacheFeature>()?.Context is not { } context) return;
        foreach (var tag in tags) context.Tags.Add(tag);
    }

    /// <summary>Files the page under every product it shows a card of.</summary>
    public static void AddCards(HttpContext http, IEnumerable<ProductSummary> products) =>
        Add(http, products.SelectMany(p => new[] { Product(p.Sku), ProductId(p.Id) }));

    /// <summary>The tags the page being rendered is filed under so far.</summary>
    public static IReadOnlyCollection<string> Of(HttpContext http) =>
        http.Features.Get<IOutputCacheFeature>()?.Context.Tags is { } tags ? tags : [];
}
