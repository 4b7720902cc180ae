namespace Storefront.Catalog.Listing;

/// <summary>
/// The catalog's own copy of each SKU's price and availability, kept from Inventory's events, so
/// category pages can sort and filter by price without reading another module's tables. It also
/// carries the product's category and published flag (kept by the catalog itself), so one index
/// gives each category's products in price order.
/// </summary>
internal sealed class ListingPrice
{
    public string Sku { get; set; } = "";
    public Guid? ProductId { get; set; }
    public int? CategoryId { get; set; }
    public bool Published { get; set; }
    public decimal Price { get; set; }
    public string Currency { get; set; } = "";
    public int Available { get; set; }

    /// <summary>When Inventory's price last changed (the product page changed with it: the sitemaps' lastmod).</summary>
    public DateTimeOffset? PriceChangedAt { get; set; }
}
