using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Web;

/// <summary>
/// Links, form actions and redirects come from routing (tag helpers, RedirectToPage, LinkGenerator),
/// and keep exactly the addresses the store has always had: bookmarks and shared links depend on them.
/// </summary>
public sealed class PageLinksTests(SearchStoreFixture store) : IClassFixture<SearchStoreFixture>
{
    [Fact]
    public async Task The_header_and_listings_link_to_the_same_addresses_as_before()
    {
        var home = await store.Client().GetDocumentAsync("/");
        Assert.Equal("/", home.QuerySelector("a.logo")!.GetAttribute("href"));
        Assert.Equal("/search", home.QuerySelector("form.site-search")!.GetAttribute("action"));
        Assert.Equal("/cart", home.QuerySelector("a.mini-cart")!.GetAttribute("href"));
        // The home page is shared by every visitor: its header names no one, and script shows the links that apply.
        Assert.Equal([("/account", "signed-in unknown"), ("/admin", "admin"), ("/account/login", "signed-out"), ("/account/register", "signed-out")],
            home.QuerySelectorAll("nav.account a:not(.mini-cart)").Select(a => (a.GetAttribute("href"), a.GetAttribute("data-visitor-show"))));
        Assert.Equal("/account/logout", home.QuerySelector("nav.account form")!.GetAttribute("action"));
        Assert.All(home.QuerySelectorAll("nav.categories a"), a => Assert.Matches("^/c/[a-z0-9-]+$", a.GetAttribute("href")!));
        Assert.All(home.QuerySelectorAll(".product-card a.product-link"), a => Assert.Matches("^/p/[a-z0-9-]+$", a.GetAttribute("href")!));

        var category = home.QuerySelector("nav.categories a")!.GetAttribute("href")!;
        var listing = await store.Client().GetDocumentAsync(category);
        Assert.Equal(category, listing.QuerySelector("form.filters")!.GetAttribute("action"));
        Assert.Equal("/", listing.QuerySelector("nav.breadcrumbs a, .breadcrumbs a")!.GetAttribute("href"));

        var inStock = await store.ProductAsync(onHand: 5);
        var page = await store.Client().GetDocumentAsync($"/p/{inStock.Slug}");
        Assert.Equal("/cart?handler=Add", page.QuerySelector("form.add-to-cart")!.GetAttribute("action"));
        Assert.Equal($"/p/{inStock.Slug}", page.QuerySelector("form.add-to-cart input[name=returnUrl]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Search_results_and_suggestions_link_to_product_category_and_brand_addresses()
    {
        var results = await store.Client().GetDocumentAsync("/search?q=headphones");
        Assert.NotEmpty(results.QuerySelectorAll("a.product-link"));
        Assert.All(results.QuerySelectorAll("a.product-link"), a => Assert.Matches("^/p/[a-z0-9-]+$", a.GetAttribute("href")!));

        using var json = JsonDocument.Parse(await store.Client().GetStringAsync("/api/search/suggest?q=head"));
        var suggestions = json.RootElement.EnumerateArray()
            .Select(s => (Kind: s.GetProperty("kind").GetString(), Url: s.GetProperty("url").GetString()!)).ToList();
        Assert.Contains(("category", "/c/headphones"), suggestions);
        Assert.All(suggestions.Where(s => s.Kind == "product"), s => Assert.Matches("^/p/[a-z0-9-]+$", s.Url));
        Assert.Contains(suggestions, s => s.Kind == "product");
    }

    [Fact]
    public void Links_built_outside_pages_have_the_old_shapes()
    {
        var links = store.Services.GetRequiredService<ShopLinks>();
        Assert.Equal("/p/red-tent", links.Product("red-tent"));
        Assert.Equal("/p/red-tent?reviews=2", links.Product("red-tent", 2));
        Assert.Equal("/c/camping", links.Category("camping"));
        Assert.Equal("/search?brand=Acme%20%26%20Co", links.Brand("Acme & Co"));
        Assert.Equal("/cart?handler=Add", links.AddToCart());
    }

    [Fact]
    public async Task The_admin_area_links_and_redirects_to_the_same_addresses_as_before()
    {
        var admin = await store.AdminClientAsync();
        var dashboard = await admin.GetDocumentAsync("/admin");
        Assert.Equal(["/admin", "/admin/products", "/admin/categories", "/admin/stock", "/admin/orders", "/admin/fulfilment", "/admin/returns", "/admin/reports", "/admin/customers", "/admin/discounts", "/admin/sales", "/admin/reviews", "/admin/search", "/admin/recommendations", "/admin/staff", "/admin/store-pages", "/admin/events", "/admin/jobs"],
            dashboard.QuerySelectorAll("nav.admin-nav a").Select(a => a.GetAttribute("href")));
        Assert.Contains(dashboard.QuerySelectorAll("header a"), a => a.GetAttribute("href") == "/admin");

        var products = await admin.GetDocumentAsync("/admin/products");
        Assert.Contains(products.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/admin/products/new");
        Assert.All(products.QuerySelectorAll("table.data tbody a"), a => Assert.Matches("^/admin/products/[0-9a-f-]{36}$", a.GetAttribute("href")!));
        var next = products.QuerySelector(".pager a[rel=next]")!.GetAttribute("href");
        Assert.Equal("/admin/products?page=2", next);

        var reviews = await admin.GetDocumentAsync("/admin/reviews");
        Assert.Equal(["/admin/reviews", "/admin/reviews?show=visible", "/admin/reviews?show=hidden"],
            reviews.QuerySelectorAll("a").Where(a => a.ParentElement!.TagName == "P").Take(3).Select(a => a.GetAttribute("href")));

        string sku;
        using (var scope = store.Services.CreateScope())
            sku = (await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().LowStockPageAsync(1000, 1, 1, default)).Items[0].Sku;
        var stockPage = await admin.GetStringAsync($"/admin/stock?sku={sku}");
        var released = await admin.PostAsync("/admin/stock?handler=Release", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(stockPage), ["sku"] = sku, ["holder"] = "nobody",
        }));
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal($"/admin/stock?sku={sku}", released.RequestMessage!.RequestUri!.PathAndQuery);
    }
}
