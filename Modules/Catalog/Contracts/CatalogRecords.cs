using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks;

namespace Storefront.Catalog.Contracts;

public enum AttributeKind { Text, Choice, Number }

/// <summary>An attribute products of a category carry (phones: RAM, storage; clothing: size, colour).</summary>
public sealed record AttributeDefinition(string Key, string Label, AttributeKind Kind, IReadOnlyList<string> Options);

public sealed record CategoryNode(int Id, int? ParentId, string Name, string Slug, int Depth, IReadOnlyList<CategoryNode> Children);

public sealed record CategoryCrumb(int Id, string Name, string Slug);

public sealed record CategoryDetails(
    int Id,
    string Name,
    string Slug,
    IReadOnlyList<CategoryCrumb> Breadcrumbs,
    IReadOnlyList<CategoryCrumb> Children,
    IReadOnlyList<AttributeDefinition> Attributes);

public sealed record ProductImage(string Url, string AltText);

public sealed record ProductSummary(
    Guid Id,
    string Sku,
    string Slug,
    string Title,
    string Brand,
    ProductImage? Image,
    Money? Price,
    int Available,
    decimal AverageRating,
    int ReviewCount)
{
    /// <summary>The shipping weight from the product's "weight_kg" attribute, when it has one.</summary>
    public decimal? WeightKg { get; init; }
}

public sealed record ProductDetails(
    Guid Id,
    string Sku,
    string Slug,
    string Title,
    string Description,
    string Brand,
    IReadOnlyList<CategoryCrumb> Breadcrumbs,
    IReadOnlyList<ProductImage> Images,
    IReadOnlyList<ProductAttribute> Attributes,
    decimal AverageRating,
    int ReviewCount,
    IReadOnlyList<int> RatingHistogram,
    DateTimeOffset CreatedAt);

public sealed record ProductAttribute(string Key, string Label, string Value);

/// <param name="VerifiedPurchase">Written by a shopper's account that bought the product (the only reviews shoppers can write).</param>
public sealed record ReviewView(Guid Id, int Rating, string Title, string Body, string Author, DateTimeOffset CreatedAt, bool Hidden, bool VerifiedPurchase = false);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total)
{
    public int PageCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public enum ProductSort { Newest, PriceLowHigh, PriceHighLow, Rating }

/// <summary>What a shopper asked of a category page. Cursor is an opaque keyset position.</summary>
public sealed record CategoryBrowseRequest(
    string CategorySlug,
    ProductSort Sort = ProductSort.Newest,
    IReadOnlyList<string>? Brands = null,
    decimal? MinPrice = null,
    decimal? MaxPrice = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    string? After = null,
    string? Before = null,
    int PageSize = 24);

public sealed record FacetValue(string Value, long Count);

public sealed record CategoryBrowseResult(
    CategoryDetails Category,
    IReadOnlyList<ProductSummary> Products,
    long TotalMatching,
    bool TotalIsEstimate,
    int Page,
    string? NextCursor,
    string? PreviousCursor,
    IReadOnlyList<FacetValue> Brands,
    IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> AttributeFacets);

[IntegrationEvent("catalog.product-changed.v1")]
public sealed record ProductChangedEvent(Guid ProductId, string Sku, bool Published) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => ProductId.ToString();
}

/// <summary>A category created, renamed or moved: the category menu and the breadcrumbs of any page may change.</summary>
[IntegrationEvent("catalog.categories-changed.v1")]
public sealed record CategoriesChangedEvent(int CategoryId) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => "categories";
}

/// <summary>
/// The product counts of these categories (their totals, brands and attribute values) were counted
/// again after products changed: listings showing them may change.
/// </summary>
[IntegrationEvent("catalog.category-counts-changed.v1")]
public sealed record CategoryCountsChangedEvent(IReadOnlyList<int> CategoryIds) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => "category-counts";
}

[IntegrationEvent("catalog.reviews-changed.v1")]
public sealed record ReviewsChangedEvent(Guid ProductId, decimal AverageRating, int ReviewCount) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => ProductId.ToString();
}
