namespace Storefront.Catalog.Contracts;

/// <summary>
/// One file of the products' sitemap: the published products from <see cref="FirstId"/> (in id
/// order) up to the next part's first id, how many there are and when the latest of them changed.
/// </summary>
public sealed record SitemapPart(int Number, Guid FirstId, int Urls, DateTimeOffset LastModified);

/// <summary>A page for the sitemap: its slug and when it last changed (its product edited, or its price).</summary>
public sealed record SitemapEntry(string Slug, DateTimeOffset LastModified);

/// <summary>
/// What the sitemaps list, read straight from the catalog's tables: only published products, and
/// never the whole catalog in memory (the parts are computed in the database, a part's products are
/// streamed).
/// </summary>
public interface ICatalogSitemap
{
    /// <summary>The published products cut into parts of at most <paramref name="urlsPerPart"/>.</summary>
    Task<IReadOnlyList<SitemapPart>> ProductPartsAsync(int urlsPerPart, CancellationToken cancellationToken);

    /// <summary>The published products of one part, in id order, at most <paramref name="max"/>.</summary>
    IAsyncEnumerable<SitemapEntry> ProductsAsync(Guid firstId, Guid? nextFirstId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Every category, changed when the latest published product of it or of any category under it
    /// changed (null for a category with none).
    /// </summary>
    Task<IReadOnlyList<(string Slug, DateTimeOffset? LastModified)>> CategoriesAsync(CancellationToken cancellationToken);
}
