using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Catalog.Contracts;

/// <summary>Field-level problems with a merchant's input; nothing was saved when this is not empty.</summary>
public sealed record CommandResult<T>(T? Value, IReadOnlyDictionary<string, Problem[]> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static CommandResult<T> Ok(T value) => new(value, new Dictionary<string, Problem[]>());

    public static CommandResult<T> Fail(string field, Problem problem) =>
        new(default, new Dictionary<string, Problem[]> { [field] = [problem] });
}

public sealed record ProductInput(
    string Sku,
    string Title,
    string Slug,
    string Description,
    string Brand,
    int CategoryId,
    IReadOnlyDictionary<string, string> Attributes,
    bool Published);

/// <summary>What a new product starts with in Inventory: its price, in the store's currency, and the units on hand.</summary>
public sealed record InitialStock(decimal Price, int OnHand);

/// <param name="UpdatedAt">When it was last saved: the edit form sends it back, and a save is refused when the product changed since.</param>
public sealed record ProductForEdit(Guid Id, ProductInput Input, IReadOnlyList<ProductImage> Images, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AdminProductRow(Guid Id, string Sku, string Title, string Brand, string Category, bool Published, DateTimeOffset CreatedAt);

public sealed record AdminProductQuery(string? Search = null, int? CategoryId = null, bool? Published = null, int Page = 1, int PageSize = 25);

public sealed record AdminCategoryRow(int Id, int? ParentId, string Name, string Slug, int Depth, string PathName);

public sealed record AdminReviewRow(Guid Id, Guid ProductId, string ProductTitle, int Rating, string Title, string Author, DateTimeOffset CreatedAt, bool Hidden);

public sealed record ReviewInput(int Rating, string Title, string Body, string Author);

/// <summary>What the merchant area changes in the catalog.</summary>
public interface ICatalogAdmin
{
    Task<Paged<AdminProductRow>> ListProductsAsync(AdminProductQuery query, CancellationToken cancellationToken);

    /// <summary>The products with these SKUs, published or not (up to 500 SKUs), by SKU; a SKU no product has is left out.</summary>
    Task<IReadOnlyDictionary<string, AdminProductRow>> ProductsBySkuAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    Task<ProductForEdit?> GetProductForEditAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a product with its price (in <c>Storefront:Currency</c>) and stock, as one operation:
    /// the product exists only with its price, so a shopper never sees it without one. A failure
    /// part-way leaves no product, and trying again completes it. Field errors (also "Price" and
    /// "OnHand") change nothing.
    /// </summary>
    Task<CommandResult<Guid>> CreateProductAsync(ProductInput input, InitialStock stock, CancellationToken cancellationToken);

    Task<CommandResult<Guid>> UpdateProductAsync(Guid id, ProductInput input, CancellationToken cancellationToken) =>
        UpdateProductAsync(id, input, seen: null, cancellationToken);

    /// <summary>
    /// Saves a product edited from the state saved at <paramref name="seen"/> (its
    /// <see cref="ProductForEdit.UpdatedAt"/> when the form was opened). When it has been saved since
    /// (another merchant, another tab), nothing is saved and the answer is
    /// <see cref="CatalogProblems.ProductChangedMeanwhile"/>; two saves of one version at once: the
    /// first is saved, the second refused. Null saves whatever the product is now.
    /// </summary>
    Task<CommandResult<Guid>> UpdateProductAsync(Guid id, ProductInput input, DateTimeOffset? seen, CancellationToken cancellationToken);

    Task<bool> SetPublishedAsync(Guid id, bool published, CancellationToken cancellationToken);

    Task<bool> AddImageAsync(Guid id, ProductImage image, CancellationToken cancellationToken);

    Task<bool> RemoveImageAsync(Guid id, string url, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminCategoryRow>> ListCategoriesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AttributeDefinition>> GetCategoryAttributesAsync(int categoryId, CancellationToken cancellationToken);

    Task<CommandResult<int>> CreateCategoryAsync(string name, int? parentId, CancellationToken cancellationToken);

    Task<CommandResult<int>> RenameCategoryAsync(int id, string name, CancellationToken cancellationToken);

    Task<CommandResult<int>> MoveCategoryAsync(int id, int? newParentId, CancellationToken cancellationToken);

    Task<Paged<AdminReviewRow>> ListReviewsAsync(bool? hidden, int page, int pageSize, CancellationToken cancellationToken);

    Task<CommandResult<Guid>> AddReviewAsync(Guid productId, ReviewInput input, CancellationToken cancellationToken);

    Task<bool> SetReviewHiddenAsync(Guid reviewId, bool hidden, CancellationToken cancellationToken);
}
