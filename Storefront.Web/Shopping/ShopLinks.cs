namespace Storefront.Web.Shopping;

/// <summary>
/// Addresses of the storefront's pages for code that cannot use the tag helpers: Razor components,
/// JSON endpoints. Routing builds them from the pages' own <c>@page</c> templates, so a page's
/// address is written in one place. Modules never build addresses; they return slugs, and these
/// turn them into links.
/// </summary>
public sealed class ShopLinks(LinkGenerator links)
{
    /// <summary>/p/{slug}, with <c>?reviews=n</c> for a later page of its reviews.</summary>
    public string Product(string slug, int? reviewsPage = null) => Page("/Catalog/Product", new { slug, reviews = reviewsPage });

    /// <summary>/p/{slug}/review: where a shopper who bought the product writes (or changes) their review.</summary>
    public string WriteReview(string slug) => Page("/Catalog/Review", new { slug });

    /// <summary>/c/{slug}</summary>
    public string Category(string slug) => Page("/Catalog/Category", new { slug });

    public string StorePage(string slug) => Page("/Info/StorePage", new { slug });

    /// <summary>/search?brand=…</summary>
    public string Brand(string brand) => Page("/Search", new { brand });

    /// <summary>/sale/{slug}: a flash sale's page.</summary>
    public string Sale(string slug) => Page("/Sale/Index", new { slug });

    public string SaleBuy(string slug) => Page("/Sale/Buy", new { slug });

    public string SalePurchase(string slug, Guid id) => Page("/Sale/Purchase", new { slug, id });

    /// <summary>/orders/track: where a customer follows an order by its number and e-mail address.</summary>
    public string OrderTracking() => Page("/Orders/Track", null);

    /// <summary>/orders/{number}?key=…: an order's page, for whoever holds the key (<see cref="OrderAccess"/>).</summary>
    public string Order(string number, string key) => Page("/Orders/Order", new { number, key });

    /// <summary>/orders/{number}/invoice?key=…: the order's invoice, for whoever holds the order's key.</summary>
    public string Invoice(string number, string key) => Page("/Orders/Invoice", new { number, key });

    /// <summary>/account/stock-alerts: the products an account waits for.</summary>
    public string StockAlerts() => Page("/Account/StockAlerts", null);

    /// <summary>Where the "tell me when it is back" form posts: /account/stock-alerts?handler=Add.</summary>
    public string AddStockAlert() => Page("/Account/StockAlerts", null, "Add");

    public string SaveForLater() => Page("/Account/Saved", null, "Save");

    /// <summary>Where the add-to-cart form posts: /cart?handler=Add.</summary>
    public string AddToCart() => Page("/Cart/Index", null, "Add");

    /// <summary>/admin/orders/{number}: an order in the merchant area.</summary>
    public string AdminOrder(string number) => Page("/Orders/Detail", new { area = "Admin", number });

    /// <summary>/admin/orders: every order, newest first.</summary>
    public string AdminOrders() => Page("/Orders/Index", new { area = "Admin" });

    public string AdminReturns() => Page("/Returns/Index", new { area = "Admin" });

    /// <summary>/admin/stock: prices, counts and the products running out.</summary>
    public string AdminStock() => Page("/Stock/Index", new { area = "Admin" });

    private string Page(string page, object? values, string? handler = null) =>
        links.GetPathByPage(page, handler, values) ?? throw new InvalidOperationException($"No address for the page {page}.");
}
