namespace Storefront.Catalog.Contracts;

public sealed record CategorySeed(string Key, string Name, string? ParentKey, IReadOnlyList<AttributeDefinition> Attributes);

public sealed record ReviewSeed(int Rating, string Title, string Body, string Author, DateTimeOffset CreatedAt);

public sealed record ProductSeed(
    Guid Id,
    string Sku,
    string Slug,
    string Title,
    string Description,
    string Brand,
    int CategoryId,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<ProductImage> Images,
    IReadOnlyList<ReviewSeed> Reviews,
    DateTimeOffset CreatedAt,
    decimal Price,
    string Currency,
    int OnHand);

/// <summary>Loads demo and benchmark catalogs quickly (PostgreSQL COPY), bypassing per-row events.</summary>
public interface ICatalogBulkLoader
{
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Creates categories parents first; returns the id of each by its key (which becomes its slug).</summary>
    Task<IReadOnlyDictionary<string, int>> LoadCategoriesAsync(IReadOnlyList<CategorySeed> categories, CancellationToken cancellationToken);

    Task<long> LoadProductsAsync(IEnumerable<ProductSeed> products, CancellationToken cancellationToken);

    /// <summary>Refreshes planner statistics and every category's facet counts after a load.</summary>
    Task AnalyzeAsync(CancellationToken cancellationToken);
}
