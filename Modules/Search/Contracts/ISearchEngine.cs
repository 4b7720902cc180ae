namespace Storefront.Search.Contracts;

/// <summary>What the index holds for one product.</summary>
public sealed record SearchDocument(
    Guid ProductId,
    string Sku,
    string Slug,
    string Title,
    string Description,
    string Brand,
    IReadOnlyList<string> CategorySlugs,
    decimal Price,
    string Currency,
    decimal Rating,
    int ReviewCount,
    int Available,
    double Popularity,
    DateTimeOffset CreatedAt)
{
    /// <summary>Category names, searched as words ("headphones" finds what sits in Headphones).</summary>
    public IReadOnlyList<string> CategoryNames { get; init; } = [];
}

public enum SearchSort { Relevance, PriceLowHigh, PriceHighLow, Rating, Newest }

public sealed record SearchRequest(
    string? Query,
    string? Brand = null,
    string? Category = null,
    decimal? MinPrice = null,
    decimal? MaxPrice = null,
    int? MinRating = null,
    bool InStockOnly = false,
    SearchSort Sort = SearchSort.Relevance,
    int Page = 1,
    int PageSize = 24);

/// <summary>
/// One result. <see cref="Highlight"/> is the title as HTML-encoded text with the matched words in
/// &lt;mark&gt;, safe to write into a page as it is; null when nothing in the title matched.
/// </summary>
public sealed record SearchHit(Guid ProductId, string Sku, string Slug, string Title, string Brand, decimal Price, string Currency,
    decimal Rating, int ReviewCount, int Available, string? Highlight);

public sealed record FacetCount(string Value, long Count);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, long Total, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets)
{
    /// <summary>When nothing matched: the words with each unknown one replaced by the nearest indexed word, if that helps.</summary>
    public string? DidYouMean { get; init; }

    public static readonly IReadOnlyList<string> FacetNames = ["brand", "category", "price", "rating", "availability"];
}

/// <summary>A product search engine: Lucene.Net in process by default, Elasticsearch when configured.</summary>
public interface ISearchEngine
{
    /// <summary>Adds or replaces documents (by product id).</summary>
    Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken cancellationToken);

    /// <summary>Text (already parsed) with filters, facets, sorting and paging.</summary>
    Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Products whose title words start with what was typed so far, most popular first.</summary>
    Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken cancellationToken);
}
