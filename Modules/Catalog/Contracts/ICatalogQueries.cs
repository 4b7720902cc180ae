namespace Storefront.Catalog.Contracts;

/// <summary>What the storefront reads from the catalog.</summary>
public interface ICatalogQueries
{
    Task<IReadOnlyList<CategoryNode>> GetCategoryTreeAsync(CancellationToken cancellationToken);

    /// <summary>Null when no such category exists.</summary>
    Task<CategoryBrowseResult?> BrowseCategoryAsync(CategoryBrowseRequest request, CancellationToken cancellationToken);

    /// <summary>Null when the product does not exist or is unpublished.</summary>
    Task<ProductDetails?> GetProductAsync(string slug, CancellationToken cancellationToken);

    Task<Paged<ReviewView>> GetReviewsAsync(Guid productId, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>Published products by SKU, for carts and orders; unknown or unpublished SKUs are left out.</summary>
    Task<IReadOnlyDictionary<string, ProductSummary>> GetProductsBySkuAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProductSummary>> GetFeaturedAsync(int take, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProductSummary>> GetNewestAsync(int take, CancellationToken cancellationToken);
}
