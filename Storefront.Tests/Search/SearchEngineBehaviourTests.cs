using Storefront.Search.Contracts;
using Storefront.Tests.Fixtures;
using static Storefront.Tests.Search.SearchEngines;

namespace Storefront.Tests.Search;

/// <summary>
/// The search behaviour every engine must have, on a small fixed catalog with known answers. Each
/// test runs against every engine that can run here: Lucene.Net always, and Elasticsearch when
/// STOREFRONT_TEST_ELASTICSEARCH_URL names a cluster (see <see cref="SearchEngines"/>).
/// </summary>
public sealed class SearchEngineBehaviourTests
{
    public static TheoryData<string, string> Typos => SearchEngines.Each("hedphones", "headphnes", "HEADPHONES");

    public static TheoryData<string, string> Hostile => SearchEngines.Each("title:foo AND (bar", "*", "\"", "'; DROP TABLE catalog.products; --",
        "<script>alert(1)</script>", "a", "{\"query\":{\"match_all\":{}}}");

    private static async Task<EngineUnderTest> CatalogAsync(string engine)
    {
        var run = await SearchEngines.OpenAsync(engine);
        await run.Engine.IndexAsync(
        [
            Doc(1, "Basswave Studio Wireless Headphones", "Basswave", Headphones, 89m, 4.5m, 10, popularity: 50, description: "Over-ear, 30 hours of battery."),
            Doc(2, "Basswave Bluetooth Earbuds", "Basswave", Headphones, 49m, 4.1m, 0, popularity: 80, description: "Tiny in-ear headphones with a charging case."),
            Doc(3, "Corvex Noise Cancelling Headphones", "Corvex", Headphones, 199m, 4.8m, 5, popularity: 30),
            Doc(4, "Corvex Book Ultra Laptop", "Corvex", ["electronics", "computers", "laptops"], 1299m, 4.2m, 3),
            Doc(5, "North Peak Trail Running Shoes", "North Peak", ["clothing", "shoes", "running-shoes"], 120m, 4.6m, 8),
            Doc(6, "Acme Cast Iron Skillet", "Acme", ["home", "kitchen"], 35m, 4.9m, 12),
            Doc(7, "The Art of Headphone Design", "Harrow Press", ["books"], 29m, 3.9m, 4),
            Doc(8, "Acme Bluetooth Speaker", "Acme", ["electronics", "audio", "speakers"], 59m, 4.0m, 6),
        ], default);
        return run;
    }

    private static async Task<int[]> IdsAsync(ISearchEngine engine, SearchRequest request) =>
        (await engine.SearchAsync(request, default)).Hits.Select(h => int.Parse(h.Sku[4..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Words_match_titles_and_descriptions_with_stemming_and_title_matches_first(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        var ids = await IdsAsync(search, new SearchRequest("headphones"));
        Assert.Equal([1, 2, 3, 7], ids.Order());
        // A category name counts as words of the product: the skillet sits in Kitchen, and only there says so.
        Assert.Equal(new[] { 6 }, await IdsAsync(search, new SearchRequest("kitchen")));
        Assert.Equal(2, ids[^1]); // only its description says "headphones"
        Assert.Equal(3, (await IdsAsync(search, new SearchRequest("noise cancelling headphones")))[0]);
    }

    [Theory]
    [MemberData(nameof(Typos))]
    public async Task Typos_and_case_still_find_headphones(string engine, string query)
    {
        await using var run = await CatalogAsync(engine);
        Assert.Contains(3, await IdsAsync(run.Engine, new SearchRequest(query)));
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Filters_narrow_by_brand_category_price_rating_and_stock(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        Assert.Equal(new[] { 3, 4 }, (await IdsAsync(search, new SearchRequest(null, Brand: "corvex"))).Order());
        Assert.Equal(new[] { 1, 2, 3 }, (await IdsAsync(search, new SearchRequest(null, Category: "headphones"))).Order());
        Assert.Equal(new[] { 1, 2, 7 }, (await IdsAsync(search, new SearchRequest("headphones", MaxPrice: 100m))).Order());
        Assert.Equal(new[] { 3 }, await IdsAsync(search, new SearchRequest("headphones", MinPrice: 100m)));
        Assert.Equal(new[] { 1, 3 }, (await IdsAsync(search, new SearchRequest("headphones", MinRating: 4, InStockOnly: true))).Order());
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Sorting_by_price_rating_and_newest_gives_exact_orders(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        Assert.Equal(new[] { 2, 1, 3 }, await IdsAsync(search, new SearchRequest(null, Category: "headphones", Sort: SearchSort.PriceLowHigh)));
        Assert.Equal(new[] { 3, 1, 2 }, await IdsAsync(search, new SearchRequest(null, Category: "headphones", Sort: SearchSort.PriceHighLow)));
        Assert.Equal(new[] { 3, 1, 2 }, await IdsAsync(search, new SearchRequest(null, Category: "headphones", Sort: SearchSort.Rating)));
        Assert.Equal(new[] { 8, 3, 2, 1 }, await IdsAsync(search, new SearchRequest(null, Category: "audio", Sort: SearchSort.Newest)));
        // With no words, relevance falls back to popularity.
        Assert.Equal(new[] { 2, 1, 3 }, await IdsAsync(search, new SearchRequest(null, Category: "headphones")));
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Facets_count_every_match_not_just_the_page(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        var result = await search.SearchAsync(new SearchRequest("headphones", PageSize: 1), default);
        Assert.Equal(4, result.Total);
        Assert.Single(result.Hits);
        Assert.Equal([new FacetCount("Basswave", 2), new FacetCount("Corvex", 1), new FacetCount("Harrow Press", 1)], result.Facets["brand"]);
        Assert.Contains(new FacetCount("headphones", 3), result.Facets["category"]);
        Assert.Contains(new FacetCount("books", 1), result.Facets["category"]);
        Assert.Equal([new FacetCount("$25 to $50", 2), new FacetCount("$50 to $100", 1), new FacetCount("$100 to $250", 1)], result.Facets["price"]);
        Assert.Equal(new FacetCount(SearchLabels.InStock, 3), Assert.Single(result.Facets["availability"]));
        Assert.Equal(new FacetCount("4 stars & up", 3), result.Facets["rating"][0]);
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Changes_are_visible_to_the_next_search(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        await search.IndexAsync([Doc(2, "Basswave Bluetooth Earbuds", "Basswave", Headphones, 19m, 4.1m, 7)], default);
        Assert.Equal(new[] { 2 }, await IdsAsync(search, new SearchRequest("earbuds", MaxPrice: 20m, InStockOnly: true)));
        await search.DeleteAsync([Id(2)], default);
        Assert.Empty(await IdsAsync(search, new SearchRequest("earbuds")));
        Assert.Equal(7, await search.CountAsync(default));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Query_syntax_and_hostile_text_are_just_words(string engine, string query)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        var result = await search.SearchAsync(new SearchRequest(query), default);
        Assert.True(result.Total >= 0);
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Matched_title_words_are_marked_and_the_rest_of_the_title_is_encoded(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        await search.IndexAsync([Doc(9, "Basswave <b>Bold</b> Headphones & Case", "Basswave", Headphones, 10m, 4m, 1)], default);
        var hit = (await search.SearchAsync(new SearchRequest("headphones", Brand: "basswave", Sort: SearchSort.PriceLowHigh), default)).Hits[0];
        Assert.Equal("Basswave &lt;b&gt;Bold&lt;&#x2F;b&gt; <mark>Headphones</mark> &amp; Case", hit.Highlight);
        var typo = (await search.SearchAsync(new SearchRequest("hedphones", Brand: "corvex"), default)).Hits[0];
        Assert.Equal("Corvex Noise Cancelling <mark>Headphones</mark>", typo.Highlight);
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task With_no_matches_the_nearest_known_words_are_offered(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        var result = await search.SearchAsync(new SearchRequest("skilet cstiron"), default);
        Assert.Equal(0, result.Total);
        Assert.Equal("skillet cast", (await search.SearchAsync(new SearchRequest("skilet cst"), default)).DidYouMean);
        Assert.Null((await search.SearchAsync(new SearchRequest("qqqqqqqqqq"), default)).DidYouMean);
        Assert.Null((await search.SearchAsync(new SearchRequest("skillet"), default)).DidYouMean);
    }

    /// <summary>Sixteen words of ten or eleven letters that no product has, different for every call.</summary>
    internal static string SixteenUnknownLongWords(int seed)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, 16).Select(_ => new string(Enumerable.Range(0, random.Next(10, 12)).Select(_ => (char)('a' + random.Next(26))).ToArray())));
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Sixteen_unknown_long_words_get_typo_tolerance_for_a_few_words_only_and_no_did_you_mean(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var limits = QueryLimits.Default;
        var result = await run.Engine.SearchAsync(new SearchRequest(SixteenUnknownLongWords(1)), default);
        Assert.Equal(0, result.Total);
        Assert.Equal(16, result.Work.Words);
        Assert.Equal(limits.MaxTypoWords, result.Work.TypoWords);
        Assert.InRange(result.Work.Expansions, 0, limits.MaxExpansions);
        Assert.True(result.Work.DidYouMeanSkipped);
        Assert.Null(result.DidYouMean);
        // An honest query with one typo keeps its typo tolerance and its suggestion.
        var honest = await run.Engine.SearchAsync(new SearchRequest("hedphones"), default);
        Assert.Equal((1, 1, false), (honest.Work.Words, honest.Work.TypoWords, honest.Work.DidYouMeanSkipped));
        Assert.Contains(honest.Hits, h => h.Sku == "SKU-3");
        Assert.False((await run.Engine.SearchAsync(new SearchRequest("skilet cst"), default)).Work.DidYouMeanSkipped);
    }

    [Theory]
    [MemberData(nameof(SearchEngines.Names), MemberType = typeof(SearchEngines))]
    public async Task Popularity_and_shopper_boosts_reorder_relevance(string engine)
    {
        await using var run = await CatalogAsync(engine);
        var search = run.Engine;
        var plain = await IdsAsync(search, new SearchRequest("headphones"));
        Assert.Equal(new[] { 1, 3, 7, 2 }, plain);
        // A popular product climbs past less popular ones that match about as well: the earbuds only say "headphones" in their description…
        await search.IndexAsync([Doc(2, "Basswave Bluetooth Earbuds", "Basswave", Headphones, 49m, 4.1m, 0, popularity: 5000,
            description: "Tiny in-ear headphones with a charging case.")], default);
        Assert.Equal(new[] { 1, 3, 7, 2 }, await IdsAsync(search, new SearchRequest("headphones")));
        Assert.Equal(new[] { 1, 3, 2, 7 }, await IdsAsync(search, new SearchRequest("headphones") { PopularityWeight = 0.5 }));
        // A popular book about headphones climbs past the headphones themselves; the earbuds stay behind every title match.
        await search.IndexAsync([Doc(7, "The Art of Headphone Design", "Harrow Press", ["books"], 29m, 3.9m, 4, popularity: 5000)], default);
        Assert.Equal(new[] { 1, 3, 7, 2 }, await IdsAsync(search, new SearchRequest("headphones")));
        Assert.Equal(new[] { 7, 1, 3, 2 }, await IdsAsync(search, new SearchRequest("headphones") { PopularityWeight = 0.5 }));
        // A shopper who likes Corvex, or books, sees those first.
        Assert.Equal(3, (await IdsAsync(search, new SearchRequest("headphones") { Boosts = [new(BoostField.Brand, "Corvex", 1)] }))[0]);
        Assert.Equal(7, (await IdsAsync(search, new SearchRequest("headphones") { Boosts = [new(BoostField.Category, "books", 2)] }))[0]);
        // Boosts re-rank; they never add matches, and other orders ignore them.
        Assert.Equal(4, (await IdsAsync(search, new SearchRequest("headphones") { Boosts = [new(BoostField.Category, "laptops", 5)] })).Length);
        Assert.Equal(new[] { 7, 2, 1, 3 }, await IdsAsync(search, new SearchRequest("headphones", Sort: SearchSort.PriceLowHigh) { Boosts = [new(BoostField.Brand, "Corvex", 9)] }));
    }
}
