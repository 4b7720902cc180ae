using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Search.Contracts;
using Storefront.Search.Elasticsearch;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using static Storefront.Tests.Search.SearchEngines;

namespace Storefront.Tests.Search;

/// <summary>
/// The NEST engine at the HTTP level, against <see cref="ElasticsearchStandIn"/>: the mapping and
/// queries it sends, the alias swap of a rebuild, and how it reads Elasticsearch's answers.
/// </summary>
public sealed class ElasticsearchEngineTests : IAsyncLifetime
{
    private ElasticsearchStandIn _cluster = default!;
    private Nest.IElasticClient _client = default!;

    public async Task InitializeAsync()
    {
        _cluster = await ElasticsearchStandIn.StartAsync();
        _client = ElasticsearchIndexes.Connect(new ElasticsearchOptions { Url = _cluster.BaseAddress.ToString() });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static readonly SearchDocument[] Catalog =
    [
        Doc(1, "Basswave Studio Wireless Headphones", "Basswave", Headphones, 89m, 4.5m, 10, popularity: 50),
        Doc(2, "Basswave Bluetooth Earbuds", "Basswave", Headphones, 49m, 4.1m, 0, popularity: 80, description: "Tiny in-ear headphones."),
        Doc(3, "Corvex Noise Cancelling Headphones", "Corvex", Headphones, 199m, 4.8m, 5, popularity: 30),
        Doc(6, "Acme Cast Iron Skillet", "Acme", ["home", "kitchen"], 35m, 4.9m, 12),
    ];

    private async Task<ElasticsearchIndexes> BuiltAsync(string alias = "products")
    {
        var indexes = new ElasticsearchIndexes(_client, alias);
        var building = await indexes.BeginRebuildAsync(default);
        await building!.IndexAsync(Catalog, default);
        await indexes.EndRebuildAsync(succeeded: true, default);
        return indexes;
    }

    private JsonNode LastSearch() => _cluster.Bodies("POST", "/_search")[^1];

    [Fact]
    public async Task A_new_index_gets_the_product_mapping_stamped_with_the_format()
    {
        using var indexes = await BuiltAsync();
        var create = _cluster.Requests.Single(r => r.Method == "PUT");
        var mappings = JsonNode.Parse(create.Body)!["mappings"]!;
        var properties = mappings["properties"]!;
        Assert.Equal("text", (string?)properties["title"]!["type"]);
        Assert.Equal("english", (string?)properties["title"]!["analyzer"]);
        Assert.Equal("standard", (string?)properties["title"]!["fields"]!["words"]!["analyzer"]);
        Assert.Equal("search_as_you_type", (string?)properties["title_suggest"]!["type"]);
        Assert.Equal("english", (string?)properties["description"]!["analyzer"]);
        Assert.Equal("keyword", (string?)properties["brand"]!["type"]);
        Assert.Equal("keyword", (string?)properties["category"]!["type"]);
        Assert.Equal("double", (string?)properties["price"]!["type"]);
        Assert.Equal("double", (string?)properties["rating"]!["type"]);
        Assert.Equal("double", (string?)properties["popularity"]!["type"]);
        Assert.Equal("integer", (string?)properties["available"]!["type"]);
        Assert.Equal("date", (string?)properties["created_at"]!["type"]);
        Assert.Equal(SearchIndexFormat.Version, (string?)mappings["_meta"]!["format"]);
        Assert.Equal("false", mappings["dynamic"]!.ToJsonString().Trim('"'));
        // Documents carry every mapped field, the category path as an array and the title for suggestions.
        var stored = _cluster.Document(_cluster.IndicesBehind("products").Single(), "00000000000000000000000000000003")!;
        Assert.Equal(new[] { "electronics", "audio", "headphones" }, stored["category"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("Corvex Noise Cancelling Headphones", (string?)stored["title_suggest"]);
        Assert.Equal(199m, (decimal)stored["price"]!);
        Assert.True(await indexes.IsCurrentAsync(default));
    }

    [Fact]
    public async Task A_rebuild_builds_beside_the_live_index_and_moves_the_alias_in_one_call()
    {
        var indexes = new ElasticsearchIndexes(_client, "products");
        // Nothing built yet: searches are empty, and a change is not written to a guessed index.
        Assert.False(await indexes.IsCurrentAsync(default));
        Assert.Equal(0, await indexes.CountAsync(default));
        Assert.Equal(0, (await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("headphones"), default)).Total);
        await indexes.IndexAsync([Catalog[0]], default);
        Assert.Empty(_cluster.Indices());

        using var built = indexes;
        var building = await indexes.BeginRebuildAsync(default);
        Assert.NotNull(building);
        Assert.Null(await indexes.BeginRebuildAsync(default)); // one rebuild at a time
        await building.IndexAsync(Catalog, default);
        await indexes.EndRebuildAsync(succeeded: true, default);
        var first = Assert.Single(_cluster.IndicesBehind("products"));
        Assert.Equal(4, await indexes.CountAsync(default));

        var next = await indexes.BeginRebuildAsync(default);
        await next!.IndexAsync(Catalog[..2], default);
        // A change during the rebuild reaches both the live index and the new one.
        await indexes.IndexAsync([Doc(9, "Corvex Travel Headphones", "Corvex", Headphones, 59m, 4m, 3)], default);
        Assert.NotNull(_cluster.Document(first, "00000000000000000000000000000009"));
        await indexes.EndRebuildAsync(succeeded: true, default);
        var second = Assert.Single(_cluster.IndicesBehind("products"));
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(first, _cluster.Indices());
        Assert.NotNull(_cluster.Document(second, "00000000000000000000000000000009"));
        Assert.Equal(3, await indexes.CountAsync(default));
        var swap = _cluster.Bodies("POST", "/_aliases")[^1]["actions"]!.AsArray();
        Assert.Equal(new[] { "remove", "add" }, swap.Select(a => a!.AsObject().Single().Key));

        // A failed rebuild throws its index away and leaves the live one alone.
        var failed = await indexes.BeginRebuildAsync(default);
        await indexes.EndRebuildAsync(succeeded: false, default);
        Assert.Equal(new[] { second }, _cluster.Indices());
        Assert.NotNull(failed);
    }

    [Fact]
    public async Task An_index_of_an_older_format_is_not_current()
    {
        using var response = await new HttpClient().PutAsync(new Uri(_cluster.BaseAddress, "/products-old"),
            new StringContent("""{"mappings":{"_meta":{"format":"1"},"properties":{"title":{"type":"text"}}}}""", System.Text.Encoding.UTF8, "application/json"));
        using var alias = await new HttpClient().PostAsync(new Uri(_cluster.BaseAddress, "/_aliases"),
            new StringContent("""{"actions":[{"add":{"index":"products-old","alias":"products"}}]}""", System.Text.Encoding.UTF8, "application/json"));
        using var indexes = new ElasticsearchIndexes(_client, "products");
        Assert.False(await indexes.IsCurrentAsync(default));
    }

    [Fact]
    public async Task A_search_sends_each_word_the_filters_the_order_the_facets_and_the_ranking()
    {
        using var indexes = await BuiltAsync();
        await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("Hedphones the", Brand: "corvex", Category: "headphones",
            MinPrice: 20m, MaxPrice: 250m, MinRating: 4, InStockOnly: true, Page: 2, PageSize: 12)
        {
            PopularityWeight = 0.15,
            Boosts = [new RankingBoost(BoostField.Brand, "Corvex", 0.3), new RankingBoost(BoostField.Category, "headphones", 0.1)],
        }, default);
        var body = LastSearch();
        Assert.Equal(12, (int)body["from"]!);
        Assert.Equal(12, (int)body["size"]!);
        Assert.True((bool)body["track_total_hits"]!);

        var scored = body["query"]!["function_score"]!;
        Assert.Equal("sum", (string?)scored["score_mode"]);
        Assert.Equal("multiply", (string?)scored["boost_mode"]);
        var functions = scored["functions"]!.AsArray();
        Assert.Equal(1.0, (double)functions[0]!["weight"]!);
        Assert.Equal("popularity", (string?)functions[1]!["field_value_factor"]!["field"]);
        Assert.Equal("ln1p", (string?)functions[1]!["field_value_factor"]!["modifier"]);
        Assert.Equal(0.15, (double)functions[1]!["weight"]!);
        Assert.Equal("Corvex", (string?)functions[2]!["filter"]!["term"]!["brand"]!["value"]);
        Assert.Equal(0.3, (double)functions[2]!["weight"]!);
        Assert.Equal("headphones", (string?)functions[3]!["filter"]!["term"]!["category"]!["value"]);

        var query = scored["query"]!["bool"]!;
        var words = query["must"]![0]!["bool"]!["must"]!.AsArray();
        Assert.Equal(2, words.Count);
        var either = words[0]!["bool"]!["should"]!.AsArray().Select(c => c!["match"]!.AsObject().Single()).ToList();
        Assert.Equal(new[] { "title", "description", "category_text", "title", "description" }, either.Select(c => c.Key));
        Assert.All(either, c => Assert.Equal("hedphones", (string?)c.Value!["query"]));
        Assert.Equal(3.0, (double)either[0].Value!["boost"]!);
        Assert.Equal("AUTO:4,8", (string?)either[3].Value!["fuzziness"]);
        Assert.Equal(1, (int)either[3].Value!["prefix_length"]!);
        Assert.Null(either[0].Value!["fuzziness"]);
        Assert.All(either, c => Assert.Equal("all", (string?)c.Value!["zero_terms_query"]));

        var filters = query["filter"]!.AsArray().Select(f => f!.ToJsonString()).ToList();
        Assert.Contains(filters, f => f.Contains("\"term\":{\"brand\":{", StringComparison.Ordinal) && f.Contains("\"case_insensitive\":true", StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("\"category\":{\"value\":\"headphones\"}", StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("\"price\":{\"gte\":20.0,\"lte\":250.0}", StringComparison.Ordinal) || f.Contains("\"price\":{\"gte\":20,\"lte\":250}", StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("\"rating\":{\"gte\":4", StringComparison.Ordinal));
        Assert.Contains(filters, f => f.Contains("\"available\":{\"gte\":1", StringComparison.Ordinal));

        Assert.Equal(new[] { "_score", "popularity", "id" }, body["sort"]!.AsArray().Select(s => s!.AsObject().Single().Key));
        Assert.Equal(new[] { "brand", "category", "price", "rating", "in_stock" }, body["aggs"]!.AsObject().Select(a => a.Key));
        Assert.Equal("html", (string?)body["highlight"]!["encoder"]);
        Assert.Equal("<mark>", (string?)body["highlight"]!["pre_tags"]![0]);
        Assert.Equal("title.words", (string?)body["suggest"]!["did_you_mean"]!["term"]!["field"]);
        Assert.Equal("missing", (string?)body["suggest"]!["did_you_mean"]!["term"]!["suggest_mode"]);

        // Other orders do not re-rank; browsing without words sends no text, highlight or suggestion.
        await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest(null, Sort: SearchSort.PriceLowHigh) { PopularityWeight = 0.15 }, default);
        body = LastSearch();
        Assert.Null(body["query"]!["function_score"]);
        Assert.NotNull(body["query"]!["bool"]!["must"]![0]!["match_all"]);
        Assert.Equal(new[] { "price", "_score" }, body["sort"]!.AsArray().Select(s => s!.AsObject().Single().Key));
        Assert.Null(body["highlight"]);
        Assert.Null(body["suggest"]);
    }

    [Fact]
    public async Task Sixteen_long_words_send_fuzzy_clauses_for_a_few_words_only_and_no_term_suggester()
    {
        using var indexes = await BuiltAsync();
        var limits = QueryLimits.Default;
        var result = await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest(SearchEngineBehaviourTests.SixteenUnknownLongWords(3)), default);
        var body = LastSearch();
        var words = body["query"]!["bool"]!["must"]![0]!["bool"]!["must"]!.AsArray();
        Assert.Equal(16, words.Count);
        var fuzzy = words.Select(w => w!["bool"]!["should"]!.AsArray().Select(c => c!["match"]!.AsObject().Single().Value!)
            .Where(m => m["fuzziness"] is not null).ToList()).ToList();
        Assert.Equal(limits.MaxTypoWords, fuzzy.Count(f => f.Count > 0));
        Assert.All(fuzzy.Skip(limits.MaxTypoWords), f => Assert.Empty(f));
        Assert.True(fuzzy.SelectMany(f => f).Sum(m => (int)m["max_expansions"]!) <= limits.MaxExpansions);
        Assert.Null(body["suggest"]);
        Assert.Equal((16, limits.MaxTypoWords, true), (result.Work.Words, result.Work.TypoWords, result.Work.DidYouMeanSkipped));
    }

    [Fact]
    public async Task Hits_totals_facets_and_highlights_are_read_from_the_answer()
    {
        using var indexes = await BuiltAsync();
        var result = await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("headphones", Sort: SearchSort.PriceLowHigh), default);
        Assert.Equal(3, result.Total);
        Assert.Equal(new[] { "SKU-2", "SKU-1", "SKU-3" }, result.Hits.Select(h => h.Sku));
        var corvex = result.Hits[2];
        Assert.Equal(("Corvex", 199m, "USD", 4.8m, 10, 5, "p-3"), (corvex.Brand, corvex.Price, corvex.Currency, corvex.Rating, corvex.ReviewCount, corvex.Available, corvex.Slug));
        Assert.Equal("Corvex Noise Cancelling <mark>Headphones</mark>", corvex.Highlight);
        Assert.Null(result.Hits[0].Highlight); // the earbuds match on their description
        Assert.Equal([new FacetCount("Basswave", 2), new FacetCount("Corvex", 1)], result.Facets["brand"]);
        Assert.Contains(new FacetCount("headphones", 3), result.Facets["category"]);
        Assert.Equal([new FacetCount("$25 to $50", 1), new FacetCount("$50 to $100", 1), new FacetCount("$100 to $250", 1)], result.Facets["price"]);
        Assert.Equal([new FacetCount("4 stars & up", 3), new FacetCount("3 stars & up", 3), new FacetCount("2 stars & up", 3), new FacetCount("1 star & up", 3)],
            result.Facets["rating"]);
        Assert.Equal(new FacetCount(SearchLabels.InStock, 2), Assert.Single(result.Facets["availability"]));
    }

    [Fact]
    public async Task With_no_hits_the_term_suggestions_become_did_you_mean()
    {
        using var indexes = await BuiltAsync();
        _cluster.Answer(200, """
            {"took":2,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
             "hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]},
             "aggregations":{"brand":{"buckets":[]},"category":{"buckets":[]},"price":{"buckets":[]},"rating":{"buckets":[]},"in_stock":{"doc_count":0}},
             "suggest":{"did_you_mean":[
               {"text":"skilet","offset":0,"length":6,"options":[{"text":"skillet","score":0.83,"freq":1}]},
               {"text":"cst","offset":7,"length":3,"options":[{"text":"cast","score":0.66,"freq":1}]}]}}
            """);
        var result = await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("skilet cst"), default);
        Assert.Equal(0, result.Total);
        Assert.Equal("skillet cast", result.DidYouMean);
        // Nothing to correct: no suggestion.
        Assert.Null((await indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("qqqqqqqq"), default)).DidYouMean);
    }

    [Fact]
    public async Task Suggestions_are_a_bool_prefix_query_on_the_search_as_you_type_field_most_popular_first()
    {
        using var indexes = await BuiltAsync();
        var hits = await indexes.SuggestAsync("basswave stu", 5, default);
        var body = LastSearch();
        var multi = body["query"]!["multi_match"]!;
        Assert.Equal("bool_prefix", (string?)multi["type"]);
        Assert.Equal("and", (string?)multi["operator"]);
        Assert.Equal(new[] { "title_suggest", "title_suggest._2gram", "title_suggest._3gram" }, multi["fields"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(5, (int)body["size"]!);
        Assert.Equal(new[] { "popularity", "id" }, body["sort"]!.AsArray().Select(s => s!.AsObject().Single().Key));
        Assert.Equal("SKU-1", Assert.Single(hits).Sku);
        Assert.Equal(new[] { "SKU-2", "SKU-1" }, (await indexes.SuggestAsync("basswave", 5, default)).Select(h => h.Sku));
    }

    [Fact]
    public async Task Cluster_errors_become_exceptions_with_the_clusters_reason()
    {
        using var indexes = await BuiltAsync();
        _cluster.Answer(400, """
            {"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query"}],
             "type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}
            """);
        var error = await Assert.ThrowsAsync<SearchEngineException>(() => indexes.SearchAsync(new Storefront.Search.Contracts.SearchRequest("x"), default));
        Assert.Contains("all shards failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The whole store with Search:Engine=elasticsearch, talking to the stand-in.</summary>
public sealed class ElasticsearchStoreFixture : ShopFixture
{
    public ElasticsearchStandIn Cluster { get; private set; } = default!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Search:Engine"] = "elasticsearch",
        ["Search:Elasticsearch:Url"] = Cluster.BaseAddress.ToString(),
        ["Search:Elasticsearch:Index"] = "shop-products",
    };

    public override async Task InitializeAsync()
    {
        Cluster = await ElasticsearchStandIn.StartAsync();
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

public sealed class ElasticsearchStoreTests(ElasticsearchStoreFixture store) : IClassFixture<ElasticsearchStoreFixture>
{
    [Fact]
    public async Task The_store_searches_and_keeps_the_elasticsearch_index_true()
    {
        var product = await store.ProductAsync(onHand: 61);
        await store.DrainOutboxAsync();
        var index = Assert.Single(store.Cluster.IndicesBehind("shop-products"));
        Assert.Equal(61, (int)store.Cluster.Document(index, product.Id.ToString("N"))!["available"]!);

        var word = product.Title.Split(' ').First(w => w.Length >= 4 && w.All(char.IsLetter));
        var page = await store.Client().GetDocumentAsync($"/search?q={Uri.EscapeDataString(word)}&instock=true");
        Assert.Contains(page.QuerySelectorAll(".search-results .product-link"), a => a.GetAttribute("href") == $"/p/{product.Slug}");

        var suggestions = await store.Client().GetStringAsync($"/api/search/suggest?q={Uri.EscapeDataString(word[..3])}");
        Assert.Contains("\"kind\":\"product\"", suggestions, StringComparison.Ordinal);

        var admin = await store.AdminClientAsync();
        var status = await admin.GetDocumentAsync("/admin/search");
        Assert.Contains("Elasticsearch", status.QuerySelector(".search-status")!.TextContent, StringComparison.Ordinal);
        Assert.True(long.Parse(status.QuerySelector("#documents")!.TextContent, System.Globalization.CultureInfo.InvariantCulture) > 100);
        Assert.Contains("current", status.QuerySelector(".search-status")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/search?q=%22%3Cscript%3E")).StatusCode);
    }

    [Fact]
    public async Task Elasticsearch_down_holds_up_only_the_search_index_and_the_index_catches_up_when_it_is_back()
    {
        var product = await store.ProductAsync(onHand: 12);
        await store.DrainOutboxAsync();
        var index = Assert.Single(store.Cluster.IndicesBehind("shop-products"));
        string currency;
        using (var scope = store.Services.CreateScope())
            currency = (await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync(product.Sku, default))!.Price.Currency;

        store.Cluster.Down = true;
        try
        {
            using (var scope = store.Services.CreateScope())
                Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, 123.45m, currency, default)).Succeeded);
            await store.DrainOutboxAsync();

            // The catalog's listing copy followed Inventory; the index is waiting to retry, and says why.
            using (var scope = store.Services.CreateScope())
            {
                var listed = (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductsBySkuAsync([product.Sku], default))[product.Sku];
                Assert.Equal(123.45m, listed.Price!.Value.Amount);
                var search = (await scope.ServiceProvider.GetRequiredService<Storefront.BuildingBlocks.Events.IEventLogAdmin>().ConsumerAsync("search.index", default))!;
                var position = Assert.Single(search.Positions);
                Assert.True(position.Attempts >= 1);
                Assert.Equal(1, position.Pending);
                var listing = (await scope.ServiceProvider.GetRequiredService<Storefront.BuildingBlocks.Events.IEventLogAdmin>().ConsumerAsync("catalog.listing-prices", default))!;
                Assert.Equal(0, Assert.Single(listing.Positions).Pending);
            }
            Assert.NotEqual(123.45m, (decimal)store.Cluster.Document(index, product.Id.ToString("N"))!["price"]!);
        }
        finally
        {
            store.Cluster.Down = false;
        }

        // Back: the retry (1 s, then 2 s…) applies the change without anyone asking.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (decimal)store.Cluster.Document(index, product.Id.ToString("N"))!["price"]! != 123.45m) await Task.Delay(100);
        Assert.Equal(123.45m, (decimal)store.Cluster.Document(index, product.Id.ToString("N"))!["price"]!);
    }
}
