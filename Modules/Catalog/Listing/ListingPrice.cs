namespace Storefront.Catalog.Listing;

/// <summary>
/// The catalog's own copy of each SKU's price and availability, kept from Inventory's events, so
/// category pages can sort and filter by price without reading another module's tables.
/// </summary>
internal sealed class ListingPrice
{
    public string Sku { get; set; } = "";
    public decimal Price { get; set; }
    public string Currency { get; set; } = "USD";
    public int Available { get; set; }
}
