using System.Globalization;
using System.Text.RegularExpressions;
using Elasticsearch.Net;
using Nest;
using Storefront.Search.Contracts;
using SearchRequest = Storefront.Search.Contracts.SearchRequest;

namespace Storefront.Search.Elasticsearch;

/// <summary>A product as stored in Elasticsearch (the field names are the index mapping's).</summary>
internal sealed class EsProduct
{
    [PropertyName("id")] public string Id { get; set; } = "";
    [PropertyName("sku")] public string Sku { get; set; } = "";
    [PropertyName("slug")] public string Slug { get; set; } = "";
    [PropertyName("title")] public string Title { get; set; } = "";
    [PropertyName("title_suggest")] public string TitleSuggest { get; set; } = "";
    [PropertyName("description")] public string Description { get; set; } = "";
    [PropertyName("category_text")] public string CategoryText { get; set; } = "";
    [PropertyName("brand")] public string Brand { get; set; } = "";
    [PropertyName("category")] public string[] Category { get; set; } = [];
    [PropertyName("price")] public decimal Price { get; set; }
    [PropertyName("currency")] public string Currency { get; set; } = "";
    [PropertyName("rating")] public decimal Rating { get; set; }
    [PropertyName("reviews")] public int Reviews { get; set; }
    [PropertyName("available")] public int Available { get; set; }
    [PropertyName("popularity")] public double Popularity { get; set; }
    [PropertyName("created_at")] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An Elasticsearch request that failed, with the reason the cluster gave.</summary>
public sealed class SearchEngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Elasticsearch engine (through NEST), against one index or alias. It asks the same questions
/// as the Lucene engine: every word must match the title, description or category names, exactly
/// or (from four letters, for the first <see cref="QueryLimits.MaxTypoWords"/> words) within one
/// edit, two from eight; exact title matches weigh most; filters
/// do not score; facets are aggregations; relevance is re-ranked with a function score that
/// multiplies by 1 + w × ln(1 + popularity) plus the weights of matching boosts.
/// </summary>
internal sealed partial class ElasticsearchEngine(IElasticClient client, string index) : ISearchEngine
{
    public string Index => index;

    /// <summary>Creates an index with the product mapping, stamped with the current <see cref="SearchIndexFormat"/>.</summary>
    public static async Task CreateIndexAsync(IElasticClient client, string name, CancellationToken ct)
    {
        var response = await client.Indices.CreateAsync(name, c => c
            .Settings(s => s.NumberOfShards(1))
            .Map<EsProduct>(m => m
                .Meta(meta => meta.Add("format", SearchIndexFormat.Version))
                .Dynamic(false)
                .Properties(p => p
                    .Keyword(k => k.Name(d => d.Id))
                    .Keyword(k => k.Name(d => d.Sku))
                    .Keyword(k => k.Name(d => d.Slug).Index(false))
                    .Text(t => t.Name(d => d.Title).Analyzer("english")
                        .Fields(f => f.Text(w => w.Name("words").Analyzer("standard"))))
                    .SearchAsYouType(s => s.Name(d => d.TitleSuggest).Analyzer("standard"))
                    .Text(t => t.Name(d => d.Description).Analyzer("english"))
                    .Text(t => t.Name(d => d.CategoryText).Analyzer("english"))
                    .Keyword(k => k.Name(d => d.Brand))
                    .Keyword(k => k.Name(d => d.Category))
                    .Number(n => n.Name(d => d.Price).Type(NumberType.Double))
                    .Keyword(k => k.Name(d => d.Currency).Index(false))
                    .Number(n => n.Name(d => d.Rating).Type(NumberType.Double))
                    .Number(n => n.Name(d => d.Reviews).Type(NumberType.Integer))
                    .Number(n => n.Name(d => d.Available).Type(NumberType.Integer))
                    .Number(n => n.Name(d => d.Popularity).Type(NumberType.Double))
                    .Date(d => d.Name(x => x.CreatedAt)))), ct);
        Check(response, $"creating index {name}");
    }

    internal static EsProduct ToEs(SearchDocument d) => new()
    {
        Id = d.ProductId.ToString("N"), Sku = d.Sku, Slug = d.Slug, Title = d.Title, TitleSuggest = d.Title, Description = d.Description,
        CategoryText = string.Join(" ", d.CategoryNames), Brand = d.Brand, Category = d.CategorySlugs.Distinct().ToArray(),
        Price = d.Price, Currency = d.Currency, Rating = d.Rating, Reviews = d.ReviewCount, Available = d.Available,
        Popularity = d.Popularity, CreatedAt = d.CreatedAt,
    };

    public async Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0) return;
        var bulk = new BulkRequest(index) { Refresh = Refresh.WaitFor, Operations = [] };
        foreach (var d in documents) bulk.Operations.Add(new BulkIndexOperation<EsProduct>(ToEs(d)) { Id = d.ProductId.ToString("N") });
        CheckBulk(await client.BulkAsync(bulk, ct), "indexing products");
    }

    public async Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0) return;
        var bulk = new BulkRequest(index) { Refresh = Refresh.WaitFor, Operations = [] };
        foreach (var id in productIds) bulk.Operations.Add(new BulkDeleteOperation<EsProduct>(id.ToString("N")));
        CheckBulk(await client.BulkAsync(bulk, ct), "deleting products");
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        var response = await client.CountAsync<EsProduct>(c => c.Index(index), ct);
        if (IsMissingIndex(response)) return 0;
        Check(response, "counting products");
        return response.Count;
    }

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var size = Math.Clamp(request.PageSize, 1, 100);
        var page = Math.Clamp(request.Page, 1, 100);
        var (text, work, words) = TextQuery(request.Query, request.Limits);
        var didYouMean = text is not null && words.Count <= request.Limits.DidYouMeanMaxWords;
        var filters = new List<QueryContainer>();
        if (!string.IsNullOrWhiteSpace(request.Brand)) filters.Add(new TermQuery { Field = "brand", Value = request.Brand.Trim(), CaseInsensitive = true });
        if (!string.IsNullOrWhiteSpace(request.Category)) filters.Add(new TermQuery { Field = "category", Value = request.Category });
        if (request.MinPrice is not null || request.MaxPrice is not null)
            filters.Add(new NumericRangeQuery { Field = "price", GreaterThanOrEqualTo = (double?)request.MinPrice, LessThanOrEqualTo = (double?)request.MaxPrice });
        if (request.MinRating is { } rating) filters.Add(new NumericRangeQuery { Field = "rating", GreaterThanOrEqualTo = rating });
        if (request.InStockOnly) filters.Add(new NumericRangeQuery { Field = "available", GreaterThanOrEqualTo = 1 });
        QueryContainer query = new BoolQuery { Must = [text ?? new MatchAllQuery()], Filter = filters };
        if (request.Sort == SearchSort.Relevance && (request.PopularityWeight > 0 || request.Boosts.Count > 0))
            query = Ranked(query, request.PopularityWeight, request.Boosts);

        var search = new SearchRequest<EsProduct>(index)
        {
            From = (page - 1) * size,
            Size = size,
            TrackTotalHits = true,
            Query = query,
            Sort = SortFor(request.Sort),
            Aggregations = Facets(),
        };
        if (text is not null)
        {
            search.Highlight = new Highlight
            {
                Encoder = HighlighterEncoder.Html,
                PreTags = ["<mark>"],
                PostTags = ["</mark>"],
                Fields = new Dictionary<Field, IHighlightField> { ["title"] = new HighlightField { NumberOfFragments = 0 } },
            };
        }
        if (didYouMean)
        {
            search.Suggest = new SuggestContainer
            {
                ["did_you_mean"] = new SuggestBucket
                {
                    Text = string.Join(' ', words),
                    Term = new TermSuggester
                    {
                        Field = "title.words", SuggestMode = SuggestMode.Missing, MaxEdits = 2, PrefixLength = 1, MinWordLength = 3,
                        Sort = SuggestSort.Frequency, Size = 1,
                    },
                },
            };
        }

        var response = await client.SearchAsync<EsProduct>(search, ct);
        if (IsMissingIndex(response)) return new SearchResult([], 0, EmptyFacets());
        Check(response, "searching");
        var hits = response.Hits.Select(h => Hit(h.Source) with
        {
            Highlight = h.Highlight.TryGetValue("title", out var marked) && marked.Count > 0 ? marked.First() : null,
        }).ToList();
        var result = new SearchResult(hits, response.Total, ReadFacets(response.Aggregations))
        {
            Work = work with { DidYouMeanSkipped = text is not null && !didYouMean && response.Total == 0 },
        };
        if (response.Total == 0 && didYouMean) result = result with { DidYouMean = DidYouMean(response) };
        return result;
    }

    public async Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(prefix)) return [];
        var response = await client.SearchAsync<EsProduct>(new SearchRequest<EsProduct>(index)
        {
            Size = Math.Clamp(take, 1, 20),
            Query = new MultiMatchQuery
            {
                Type = TextQueryType.BoolPrefix,
                Query = prefix,
                Operator = Operator.And,
                Fields = new[] { "title_suggest", "title_suggest._2gram", "title_suggest._3gram" },
            },
            Sort = [new FieldSort { Field = "popularity", Order = SortOrder.Descending }, new FieldSort { Field = "id", Order = SortOrder.Ascending }],
        }, ct);
        if (IsMissingIndex(response)) return [];
        Check(response, "suggesting");
        return response.Hits.Select(h => Hit(h.Source)).ToList();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*")]
    private static partial Regex Word();

    /// <summary>
    /// One clause per word (at most <see cref="QueryLimits.MaxWords"/>), each of which must match;
    /// stop words match everything, as they are ignored. The cluster cannot be asked cheaply which
    /// words it knows, so the first <see cref="QueryLimits.MaxTypoWords"/> words of four letters or
    /// more (and no longer than <see cref="QueryLimits.MaxTypoWordLength"/>) get fuzzy clauses,
    /// sharing <see cref="QueryLimits.MaxExpansions"/> between them.
    /// </summary>
    private static (QueryContainer? Query, QueryWork Work, List<string> Words) TextQuery(string? text, QueryLimits limits)
    {
        var words = Word().Matches(text ?? "").Select(m => m.Value.ToLowerInvariant()).Distinct().Take(limits.MaxWords).ToList();
        if (words.Count == 0) return (null, QueryWork.None, words);
        var typos = words.Where(w => w.Length >= 4 && w.Length <= limits.MaxTypoWordLength).Take(Math.Max(0, limits.MaxTypoWords)).ToHashSet(StringComparer.Ordinal);
        var perClause = typos.Count == 0 ? 0 : Math.Clamp(limits.MaxExpansions / (2 * typos.Count), 1, 50);
        MatchQuery Match(string field, string word, double boost, bool fuzzy) => new()
        {
            Field = field, Query = word, Boost = boost, ZeroTermsQuery = ZeroTermsQuery.All,
            Fuzziness = fuzzy ? Fuzziness.AutoLength(4, 8) : null, PrefixLength = fuzzy ? 1 : null, MaxExpansions = fuzzy ? perClause : null,
        };
        var query = new BoolQuery
        {
            Must = words.Select(word => (QueryContainer)new BoolQuery
            {
                Should = typos.Contains(word)
                    ?
                    [
                        Match("title", word, 3, false), Match("description", word, 1, false), Match("category_text", word, 1.5, false),
                        Match("title", word, 0.8, true), Match("description", word, 0.2, true),
                    ]
                    : [Match("title", word, 3, false), Match("description", word, 1, false), Match("category_text", word, 1.5, false)],
                MinimumShouldMatch = 1,
            }).ToList(),
        };
        return (query, new QueryWork(words.Count, typos.Count, 2 * typos.Count * perClause, false), words);
    }

    private static QueryContainer Ranked(QueryContainer query, double popularityWeight, IReadOnlyList<RankingBoost> boosts)
    {
        var functions = new List<IScoreFunction> { new WeightFunction { Weight = 1 } };
        if (popularityWeight > 0)
            functions.Add(new FieldValueFactorFunction { Field = "popularity", Modifier = FieldValueFactorModifier.Ln1P, Missing = 0, Weight = popularityWeight });
        foreach (var boost in boosts)
            functions.Add(new WeightFunction
            {
                Filter = new TermQuery { Field = boost.Field == BoostField.Brand ? "brand" : "category", Value = boost.Value },
                Weight = boost.Weight,
            });
        return new FunctionScoreQuery { Query = query, Functions = functions, ScoreMode = FunctionScoreMode.Sum, BoostMode = FunctionBoostMode.Multiply };
    }

    private static List<ISort> SortFor(SearchSort sort)
    {
        static FieldSort By(string field, bool descending) => new() { Field = field, Order = descending ? SortOrder.Descending : SortOrder.Ascending };
        return sort switch
        {
            SearchSort.PriceLowHigh => [By("price", false), By("_score", true)],
            SearchSort.PriceHighLow => [By("price", true), By("_score", true)],
            SearchSort.Rating => [By("rating", true), By("_score", true)],
            SearchSort.Newest => [By("created_at", true)],
            _ => [By("_score", true), By("popularity", true), By("id", false)],
        };
    }

    private static AggregationDictionary Facets()
    {
        var ratings = Enumerable.Range(1, 4).Reverse().Select(stars => new AggregationRange { Key = SearchFacets.RatingLabel(stars), From = stars }).ToList();
        return new AggregationDictionary
        {
            ["brand"] = (AggregationContainer)new TermsAggregation("brand") { Field = "brand", Size = 20, Order = [TermsOrder.CountDescending, TermsOrder.KeyAscending] },
            ["category"] = (AggregationContainer)new TermsAggregation("category") { Field = "category", Size = 30, Order = [TermsOrder.CountDescending, TermsOrder.KeyAscending] },
            ["price"] = (AggregationContainer)new RangeAggregation("price")
            {
                Field = "price",
                Ranges = SearchFacets.PriceBands.Select(b => new AggregationRange { Key = b.Label, From = (double?)b.From, To = (double?)b.To }).ToList(),
            },
            ["rating"] = (AggregationContainer)new RangeAggregation("rating") { Field = "rating", Ranges = ratings },
            ["in_stock"] = (AggregationContainer)new FilterAggregation("in_stock") { Filter = new NumericRangeQuery { Field = "available", GreaterThanOrEqualTo = 1 } },
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> ReadFacets(AggregateDictionary aggregations)
    {
        static List<FacetCount> Terms(AggregateDictionary a, string name) =>
            a.Terms(name)?.Buckets.Select(b => new FacetCount(b.Key, b.DocCount ?? 0)).ToList() ?? [];
        static List<FacetCount> Ranges(AggregateDictionary a, string name) =>
            a.Range(name)?.Buckets.Where(b => b.DocCount > 0).Select(b => new FacetCount(b.Key, b.DocCount)).ToList() ?? [];
        return new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["brand"] = Terms(aggregations, "brand"),
            ["category"] = Terms(aggregations, "category"),
            ["price"] = Ranges(aggregations, "price"),
            ["rating"] = Ranges(aggregations, "rating"),
            ["availability"] = [new FacetCount(SearchLabels.InStock, aggregations.Filter("in_stock")?.DocCount ?? 0)],
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> EmptyFacets() => new Dictionary<string, IReadOnlyList<FacetCount>>
    {
        ["brand"] = [], ["category"] = [], ["price"] = [], ["rating"] = [], ["availability"] = [new FacetCount(SearchLabels.InStock, 0)],
    };

    /// <summary>The words with each one no title contains replaced by the most frequent title word within two edits; null when none changes.</summary>
    private static string? DidYouMean(ISearchResponse<EsProduct> response)
    {
        if (response.Suggest is null || !response.Suggest.Keys.Contains("did_you_mean")) return null;
        var entries = response.Suggest["did_you_mean"];
        var changed = false;
        var words = new List<string>();
        foreach (var entry in entries)
        {
            var best = entry.Options.FirstOrDefault()?.Text;
            changed |= best is not null;
            words.Add(best ?? entry.Text);
        }
        return changed ? string.Join(' ', words) : null;
    }

    private static SearchHit Hit(EsProduct d) => new(Guid.ParseExact(d.Id, "N"), d.Sku, d.Slug, d.Title, d.Brand, d.Price, d.Currency,
        Math.Round(d.Rating, 1), d.Reviews, d.Available, null);

    internal static bool IsMissingIndex(IResponse response) =>
        response.ApiCall?.HttpStatusCode == 404 && response.ServerError?.Error?.Type == "index_not_found_exception";

    internal static void Check(IResponse response, string doing)
    {
        if (response.IsValid) return;
        var reason = response.ServerError?.Error is { } error
            ? $"{error.Type}: {error.Reason}"
            : response.OriginalException?.Message ?? "no answer";
        throw new SearchEngineException(string.Create(CultureInfo.InvariantCulture,
            $"Elasticsearch failed {doing} (HTTP {response.ApiCall?.HttpStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}): {reason}"), response.OriginalException);
    }

    private static void CheckBulk(BulkResponse response, string doing)
    {
        if (!response.Errors)
        {
            Check(response, doing);
            return;
        }
        var failed = response.ItemsWithErrors.FirstOrDefault(i => !(i.Operation == "delete" && i.Status == 404));
        if (failed is null) return;
        throw new SearchEngineException($"Elasticsearch failed {doing}: item {failed.Id} {failed.Error?.Type}: {failed.Error?.Reason}");
    }
}
