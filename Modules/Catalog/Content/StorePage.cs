namespace Storefront.Catalog.Content;

/// <summary>A page of the store's own words (catalog.store_pages).</summary>
internal sealed class StorePage
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public bool IsPublished { get; set; }
    public bool InFooter { get; set; }
    public int Position { get; set; }
    public bool AtCheckout { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}
