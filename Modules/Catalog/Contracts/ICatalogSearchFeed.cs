namespace Storefront.Catalog.Contracts;

/// <summary>A product as a search index needs it: text, brand, every category slug up to the root, price, stock, rating.</summary>
public sealed record SearchSource(
    Guid ProductId, string Sku, string Slug, string Title, string Description, string Brand, IReadOnlyList<string> CategorySlugs,
    decimal Price, string Currency, int Available, decimal Rating, int ReviewCount, DateTimeOffset CreatedAt, bool Published)
{
    /// <summary>The names of those categories, root first ("Electronics", "Audio", "Headphones").</summary>
    public IReadOnlyList<string> CategoryNames { get; init; } = [];

    /// <summary>The ids of those categories, root first; the last is the product's own.</summary>
    public IReadOnlyList<int> CategoryIds { get; init; } = [];
}

/// <summary>What the catalog gives a search index: everything in batches, or some products again after a change.</summary>
public interface ICatalogSearchFeed
{
    /// <summary>Published products after <paramref name="after"/> (by id), at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<SearchSource>> BatchAsync(Guid? after, int take, CancellationToken cancellationToken);

    /// <summary>The products with these ids or SKUs as they are now (unpublished ones included, marked so).</summary>
    Task<IReadOnlyList<SearchSource>> CurrentAsync(IReadOnlyCollection<Guid> productIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}
