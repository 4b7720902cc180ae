namespace Storefront.Search.Contracts;

/// <summary>A shopper's search: the words as typed, plus any facets they picked.</summary>
public sealed record ShopperSearch(string? Query, string? Brand = null, string? Category = null, decimal? MinPrice = null, decimal? MaxPrice = null,
    int? MinRating = null, bool InStockOnly = false, SearchSort Sort = SearchSort.Relevance, int Page = 1)
{
    /// <summary>Who is searching (see <see cref="ISearchSignals"/>): their history lifts the brands and categories they like.</summary>
    public string? Visitor { get; init; }
}

/// <summary>Results with what the words were understood to mean and which filters were applied.</summary>
public sealed record SearchPage(ShopperSearch Search, ParsedQuery Parsed, SearchRequest Applied, SearchResult Result, int PageSize)
{
    /// <summary>The search engine failed to answer: no results, and the shopper is told so (not "no products match").</summary>
    public bool EngineFailed { get; init; }

    public int PageCount => (int)Math.Max(1, Math.Min(100, Math.Ceiling(Result.Total / (double)PageSize)));
}

public enum SuggestionKind { Product, Category, Brand }

/// <summary>
/// One suggestion for the search box. <paramref name="Key"/> names what it points at: the product's or
/// category's slug, or the brand. The host turns it into a link; the module builds no addresses.
/// </summary>
public sealed record Suggestion(SuggestionKind Kind, string Label, string Key);

/// <summary>Product search for the storefront: query understanding on top of the configured engine.</summary>
public interface ISearch
{
    Task<SearchPage> SearchAsync(ShopperSearch search, CancellationToken cancellationToken);

    /// <summary>Up to ten suggestions as the shopper types: categories, brands and products.</summary>
    Task<IReadOnlyList<Suggestion>> SuggestAsync(string? prefix, CancellationToken cancellationToken);
}

/// <summary>
/// The index as an operator sees it. Lag: <see cref="LastLag"/> is how long the last applied change
/// took from the catalog to the index; <see cref="PendingChanges"/> are changes not yet applied, the
/// oldest of them from <see cref="OldestPendingAt"/>.
/// </summary>
public sealed record SearchIndexStatus(string Engine, string Location, long Documents, bool FormatCurrent, DateTimeOffset? LastChangeAt,
    TimeSpan? LastLag, long PendingChanges, DateTimeOffset? OldestPendingAt,
    DateTimeOffset? RebuildingSince, string? LastError, DateTimeOffset? LastErrorAt, string? LastRebuild);

/// <summary>Index upkeep: status, and a full rebuild from the catalog that keeps search online.</summary>
public enum RebuildStart { Started, AlreadyRunning }

public interface ISearchIndexAdmin
{
    /// <summary>Queues a full rebuild as a background job (the module's own "search:rebuild"), unless one is running.</summary>
    Task<RebuildStart> StartRebuildAsync(CancellationToken cancellationToken);

    /// <summary>Builds a new index from the catalog beside the live one and swaps it in; returns the documents indexed (0 when a rebuild was already running).</summary>
    Task<long> RebuildAsync(CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    Task<SearchIndexStatus> StatusAsync(CancellationToken cancellationToken);
}

public sealed class SearchOptions
{
    /// <summary>"lucene" (embedded, the default) or "elasticsearch" (see <see cref="Elasticsearch"/>).</summary>
    public string Engine { get; set; } = "lucene";

    /// <summary>The folder of the Lucene indexes (the live one and, during a rebuild, the next); by default "search" under Storefront:DataPath.</summary>
    public string? IndexPath { get; set; }

    public int PageSize { get; set; } = 24;

    /// <summary>How long results of a search without words are reused (0 turns it off).</summary>
    public int BrowseCacheSeconds { get; set; } = 15;

    public RankingOptions Ranking { get; set; } = new();

    /// <summary>What one query may cost.</summary>
    public QueryLimits Limits { get; set; } = new();

    /// <summary>The edit-distance automata kept for typo-tolerant words, shared by all queries.</summary>
    public TypoCacheOptions TypoCache { get; set; } = new();

    public Elasticsearch.ElasticsearchOptions Elasticsearch { get; set; } = new();
}

/// <summary>
/// Bounds of the cache of edit-distance automata (section "Search:TypoCache"). The words come from
/// shoppers, so the cache is bounded by entries and by the characters of the words (an automaton
/// grows with its word); the least recently used are dropped first.
/// </summary>
public sealed class TypoCacheOptions
{
    public int MaxEntries { get; set; } = 2_000;

    public int MaxCharacters { get; set; } = 24_000;
}
