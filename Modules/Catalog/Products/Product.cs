namespace Storefront.Catalog.Products;

internal sealed class Product
{
    public Guid Id { get; set; }
    public string Sku { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string Brand { get; set; } = "";
    public int CategoryId { get; set; }

    /// <summary>Copy of the category's materialized path, so subtree listings need no join.</summary>
    public string CategoryPath { get; set; } = "/";

    /// <summary>The attribute values as a JSON object (jsonb), filtered with containment.</summary>
    public string Attributes { get; set; } = "{}";

    public bool IsPublished { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public decimal AverageRating { get; set; }
    public int ReviewCount { get; set; }
    public List<ProductImageRow> Images { get; set; } = [];
}

internal sealed class ProductImageRow
{
    public Guid ProductId { get; set; }
    public int Position { get; set; }
    public string Url { get; set; } = "";
    public string AltText { get; set; } = "";
}
