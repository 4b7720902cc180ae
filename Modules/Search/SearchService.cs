using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.Catalog.Contracts;
using Storefront.Search.Contracts;
using Storefront.Search.Querying;
using Storefront.Search.Ranking;

namespace Storefront.Search;

/// <summary>
/// Turns what the shopper typed into an engine request: prices and a brand named in the words
/// become filters (unless the shopper picked others), and a category named in them narrows the
/// results when that category has matches.
/// </summary>
internal sealed partial class SearchService(ISearchEngine engine, ICatalogQueries catalog, ShopperHistory history, IMemoryCache cache,
    IOptions<SearchOptions> options, ILogger<SearchService> logger) : ISearch
{
    public async Task<SearchPage> SearchAsync(ShopperSearch search, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var page = await AnswerAsync(search, ct);
            SearchMetrics.Searched(false, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return page;
        }
        catch (Exception ex) when (EngineFailure(ex))
        {
            LogEngineFailed(ex);
            SearchMetrics.Searched(true, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            var typed = search.Query is { } q && q.Length > options.Value.Limits.MaxQueryLength ? q[..options.Value.Limits.MaxQueryLength] : search.Query;
            return new SearchPage(search with { Page = 1 }, new ParsedQuery(typed ?? "", null, null, null, null), new SearchRequest(typed),
                new SearchResult([], 0, new Dictionary<string, IReadOnlyList<FacetCount>>()), options.Value.PageSize) { EngineFailed = true };
        }
    }

    /// <summary>
    /// The engine (a Lucene index that cannot be read, an Elasticsearch cluster that does not
    /// answer) failed. PostgreSQL and Redis outages are not the engine's: they go on to the host,
    /// which answers them as such; a cancelled request is no failure at all.
    /// </summary>
    private static bool EngineFailure(Exception ex) =>
        ex is not OperationCanceledException and not Npgsql.NpgsqlException and not StackExchange.Redis.RedisException;

    [LoggerMessage(Level = LogLevel.Error, Message = "The search engine failed; the shopper was offered the category pages instead")]
    private partial void LogEngineFailed(Exception exception);

    private async Task<SearchPage> AnswerAsync(ShopperSearch search, CancellationToken ct)
    {
        var (_, _, vocabulary) = await VocabularyAsync(ct);
        var limits = options.Value.Limits;
        var typed = search.Query is { } q && q.Length > limits.MaxQueryLength ? q[..limits.MaxQueryLength] : search.Query;
        var parsed = QueryParser.Parse(typed, vocabulary);
        var request = new SearchRequest(parsed.Text,
            search.Brand ?? parsed.Brand, search.Category,
            search.MinPrice ?? parsed.MinPrice, search.MaxPrice ?? parsed.MaxPrice,
            search.MinRating is >= 1 and <= 4 ? search.MinRating : null, search.InStockOnly, search.Sort,
            Math.Clamp(search.Page, 1, 100), options.Value.PageSize)
        {
            PopularityWeight = options.Value.Ranking.PopularityWeight,
            Limits = limits,
            Boosts = search.Sort == SearchSort.Relevance ? await history.BoostsAsync(search.Visitor, ct) : [],
        };
        var (applied, result) = (request, (SearchResult?)null);
        if (search.Category is null && parsed.CategorySlug is { } likely)
        {
            var narrowed = await engine.SearchAsync(request with { Category = likely }, ct);
            if (narrowed.Total > 0) (applied, result) = (request with { Category = likely }, narrowed);
        }
        result ??= await ResultAsync(applied, ct);
        // A page past the end (an old link, or a made-up number) shows the last page.
        if (result.Hits.Count == 0 && result.Total > 0 && applied.Page > 1)
        {
            var last = (int)Math.Clamp((result.Total + applied.PageSize - 1) / applied.PageSize, 1, 100);
            applied = applied with { Page = last };
            result = await ResultAsync(applied, ct);
        }
        return new SearchPage(search with { Page = applied.Page }, parsed, applied, result, options.Value.PageSize);
    }

    /// <summary>
    /// Browsing without words ("all products", perhaps filtered) makes the engine rank and count the
    /// whole catalog, about half a second at a million products on two cores; such results are kept
    /// for <see cref="SearchOptions.BrowseCacheSeconds"/>, shared by every shopper without history boosts.
    /// </summary>
    private async Task<SearchResult> ResultAsync(SearchRequest request, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(request.Query) || request.Boosts.Count > 0 || options.Value.BrowseCacheSeconds <= 0)
            return await engine.SearchAsync(request, ct);
        var key = string.Create(CultureInfo.InvariantCulture,
            $"search:browse:{request.Brand}|{request.Category}|{request.MinPrice}|{request.MaxPrice}|{request.MinRating}|{request.InStockOnly}|{request.Sort}|{request.Page}|{request.PageSize}|{request.PopularityWeight}");
        if (cache.TryGetValue(key, out SearchResult? cached) && cached is not null) return cached;
        var result = await engine.SearchAsync(request, ct);
        cache.Set(key, result, TimeSpan.FromSeconds(options.Value.BrowseCacheSeconds));
        return result;
    }

    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string? prefix, CancellationToken ct)
    {
        try
        {
            return await SuggestionsAsync(prefix, ct);
        }
        catch (Exception ex) when (EngineFailure(ex))
        {
            // Suggestions are a convenience: the search box still submits.
            LogEngineFailed(ex);
            return [];
        }
    }

    private async Task<IReadOnlyList<Suggestion>> SuggestionsAsync(string? prefix, CancellationToken ct)
    {
        var typed = (prefix ?? "").Trim();
        if (typed.Length is < 2 or > 100) return [];
        var (brands, categories, _) = await VocabularyAsync(ct);
        static bool Starts(string name, string typed) =>
            name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) || name.Contains(" " + typed, StringComparison.OrdinalIgnoreCase);
        var found = new List<Suggestion>();
        found.AddRange(categories.Where(c => Starts(c.Name, typed)).Take(3).Select(c => new Suggestion(SuggestionKind.Category, c.Name, c.Slug)));
        found.AddRange(brands.Where(b => Starts(b, typed)).Take(2).Select(b => new Suggestion(SuggestionKind.Brand, b, b)));
        var products = await engine.SuggestAsync(typed, 10 - found.Count, ct);
        found.AddRange(products.Select(p => new Suggestion(SuggestionKind.Product, p.Title, p.Slug)));
        return found.Take(10).ToList();
    }

    /// <summary>The brand and category names the parser looks for, refreshed every few minutes.</summary>
    private sealed record Known(IReadOnlyCollection<string> Brands, IReadOnlyCollection<CategoryName> Categories, QueryParser.Vocabulary Vocabulary);

    private static readonly SemaphoreSlim Refreshing = new(1, 1);

    /// <summary>
    /// Reading the brands counts the whole index (half a second at a million products), so one
    /// request refreshes the vocabulary when it is five minutes old while the others go on with the
    /// previous one; only the very first requests wait.
    /// </summary>
    private async Task<(IReadOnlyCollection<string>, IReadOnlyCollection<CategoryName>, QueryParser.Vocabulary)> VocabularyAsync(CancellationToken ct)
    {
        if (cache.TryGetValue("search:vocabulary", out Known? fresh) && fresh is not null) return (fresh.Brands, fresh.Categories, fresh.Vocabulary);
        var previous = cache.TryGetValue("search:vocabulary:previous", out Known? last) ? last : null;
        if (previous is not null)
        {
            if (!await Refreshing.WaitAsync(0, ct)) return (previous.Brands, previous.Categories, previous.Vocabulary);
        }
        else
        {
            await Refreshing.WaitAsync(ct);
        }
        try
        {
            if (cache.TryGetValue("search:vocabulary", out fresh) && fresh is not null) return (fresh.Brands, fresh.Categories, fresh.Vocabulary);
            var all = await engine.SearchAsync(new SearchRequest(null, PageSize: 1, Sort: SearchSort.Newest), ct);
            var brands = all.Facets["brand"].Select(f => f.Value).ToList();
            var categories = new List<CategoryName>();
            void Walk(IEnumerable<CategoryNode> nodes)
            {
                foreach (var node in nodes)
                {
                    categories.Add(new CategoryName(node.Slug, node.Name));
                    Walk(node.Children);
                }
            }
            Walk(await catalog.GetCategoryTreeAsync(ct));
            var known = new Known(brands, categories, new QueryParser.Vocabulary(brands, categories));
            cache.Set("search:vocabulary", known, TimeSpan.FromMinutes(5));
            cache.Set("search:vocabulary:previous", known);
            return (known.Brands, known.Categories, known.Vocabulary);
        }
        finally
        {
            Refreshing.Release();
        }
    }
}
