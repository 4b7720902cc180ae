namespace Storefront.Catalog.Reviews;

internal sealed class Review
{
    public Guid Id { get; set; }
    public Guid ProductId { get; set; }
    public int Rating { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string Author { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public bool IsHidden { get; set; }
    /// <summary>The account that wrote it (one review per account and product); null for the merchant's and imported ones.</summary>
    public string? UserId { get; set; }
}
