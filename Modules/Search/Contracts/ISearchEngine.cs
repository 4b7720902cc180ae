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

    /// <summary>
    /// The most units a document records as <see cref="Available"/>: results say "in stock" or "only N
    /// left", never more, so 1,000,000 and 999,999 are the same document and a sale of a well-stocked
    /// product leaves the index as it is.
    /// </summary>
    public const int AvailableCap = 100;
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
    int PageSize = 24)
{
    /// <summary>
    /// With relevance order, each match's text score is multiplied by
    /// 1 + PopularityWeight × ln(1 + popularity) + the weights of the <see cref="Boosts"/> it matches.
    /// </summary>
    public double PopularityWeight { get; init; }

    public IReadOnlyList<RankingBoost> Boosts { get; init; } = [];

    /// <summary>How much work the words may cost (typo tolerance, "did you mean").</summary>
    public QueryLimits Limits { get; init; } = QueryLimits.Default;
}

/// <summary>
/// What one query may cost (section "Search:Limits"; see docs/search.md). Exact words are cheap;
/// a word matched within one or two edits costs an edit-distance automaton and a walk of the term
/// dictionary, so typo tolerance and "did you mean" are given to a few words only.
/// </summary>
public sealed record QueryLimits
{
    public static readonly QueryLimits Default = new();

    /// <summary>Characters of what the shopper typed that are read; the rest is ignored.</summary>
    public int MaxQueryLength { get; init; } = 200;

    /// <summary>Words matched; further words are ignored.</summary>
    public int MaxWords { get; init; } = 16;

    /// <summary>Words (unknown to the index) matched within one or two edits; further unknown words must match exactly.</summary>
    public int MaxTypoWords { get; init; } = 3;

    /// <summary>Longer words are never matched within edits (no product word is that long; the automaton grows with the word).</summary>
    public int MaxTypoWordLength { get; init; } = 20;

    /// <summary>Indexed terms that all typo-tolerant words of one query may expand to, together.</summary>
    public int MaxExpansions { get; init; } = 100;

    /// <summary>"Did you mean" is looked for only when the query has at most this many words (0 turns it off).</summary>
    public int DidYouMeanMaxWords { get; init; } = 4;
}

/// <summary>
/// The work a query was given: the words matched, those matched within edits, the indexed terms
/// they expanded to (for Elasticsearch, the most they may expand to) and whether "did you mean"
/// was skipped because the query was too long.
/// </summary>
public sealed record QueryWork(int Words, int TypoWords, int Expansions, bool DidYouMeanSkipped)
{
    public static readonly QueryWork None = new(0, 0, 0, false);
}

public enum BoostField { Brand, Category }

/// <summary>A brand or category the shopper has shown interest in, and how much it lifts a match.</summary>
public sealed record RankingBoost(BoostField Field, string Value, double Weight);

/// <summary>
/// One result. <see cref="Highlight"/> is the title as HTML-encoded text with the matched words in
/// &lt;mark&gt;, safe to write into a page as it is; null when nothing in the title matched.
/// </summary>
public sealed record SearchHit(Guid ProductId, string Sku, string Slug, string Title, string Brand, decimal Price, string Currency,
    decimal Rating, int ReviewCount, int Available, string? Highlight);

public sealed record FacetCount(string Value, long Count);

/// <summary>One price band of the price facet: From inclusive, To exclusive.</summary>
public sealed record PriceBand(string Label, decimal? From, decimal? To);

/// <summary>The fixed facets every engine counts the same way, and what the results page links them to.</summary>
public static class SearchFacets
{
    public static readonly IReadOnlyList<PriceBand> PriceBands =
    [
        new("Under $25", null, 25), new("$25 to $50", 25, 50), new("$50 to $100", 50, 100), new("$100 to $250", 100, 250), new("$250 and over", 250, null),
    ];

    /// <summary>The rating facet's value for "at least <paramref name="stars"/> stars" (1 to 4).</summary>
    public static string RatingLabel(int stars) => stars == 1 ? "1 star & up" : $"{stars} stars & up";
}

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, long Total, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets)
{
    /// <summary>When nothing matched: the words with each unknown one replaced by the nearest indexed word, if that helps.</summary>
    public string? DidYouMean { get; init; }

    /// <summary>What answering the words cost (see <see cref="QueryLimits"/>).</summary>
    public QueryWork Work { get; init; } = QueryWork.None;

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

/// <summary>
/// The version of the document layout an index was written with. Raise it whenever a change to
/// <see cref="SearchDocument"/> or to an engine's fields needs every product indexed again: a store
/// that starts with an index of another version rebuilds it (beside the live one, then swaps).
/// </summary>
public static class SearchIndexFormat
{
    public const string Version = "3";
}

/// <summary>The configured engine as index upkeep sees it: where the live index is, and a rebuild beside it that is swapped in.</summary>
public interface ISearchIndexes : ISearchEngine
{
    string EngineName { get; }

    string Location { get; }

    DateTimeOffset? LastChangeAt { get; }

    DateTimeOffset? RebuildingSince { get; }

    /// <summary>True when the live index exists and was written in the current <see cref="SearchIndexFormat"/>.</summary>
    Task<bool> IsCurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a new, empty index beside the live one; null when a rebuild is already running. Until
    /// the rebuild ends every change goes to both, so the new index misses nothing.
    /// </summary>
    Task<ISearchEngine?> BeginRebuildAsync(CancellationToken cancellationToken);

    /// <summary>Makes the new index the live one, or, when the rebuild failed, throws it away.</summary>
    Task EndRebuildAsync(bool succeeded, CancellationToken cancellationToken);
}
