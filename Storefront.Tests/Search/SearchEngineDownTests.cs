using System.Net;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Search;

/// <summary>The store on Elasticsearch (the stand-in), whose cluster a test may take away.</summary>
public sealed class SearchEngineDownFixture : ShopFixture
{
    private bool _stopped;

    public ElasticsearchStandIn Cluster { get; private set; } = default!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Search:Engine"] = "elasticsearch",
        ["Search:Elasticsearch:Url"] = Cluster.BaseAddress.ToString(),
        ["Search:Elasticsearch:Index"] = "down-products",
    };

    public override async Task InitializeAsync()
    {
        Cluster = await ElasticsearchStandIn.StartAsync();
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }

    /// <summary>The cluster stops answering: every request to it is refused.</summary>
    public async Task StopClusterAsync()
    {
        _stopped = true;
        await Cluster.DisposeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_stopped) await Cluster.DisposeAsync();
    }
}

public sealed class SearchEngineDownTests(SearchEngineDownFixture store) : IClassFixture<SearchEngineDownFixture>
{
    [Fact]
    public async Task With_the_search_engine_down_the_search_page_explains_and_offers_the_categories()
    {
        // Settled: the evictions its stock change causes must not empty the page cache under the test.
        var product = await store.SettledProductAsync(onHand: 5);
        // Not the first word: that is the brand, and a brand alone is a filter, whose results are kept for a few seconds.
        var word = product.Title.Split(' ').Skip(1).First(w => w.Length >= 4 && w.All(char.IsLetter));
        var client = store.Client();
        var before = await client.GetDocumentAsync($"/search?q={Uri.EscapeDataString(word)}");
        Assert.NotEmpty(before.QuerySelectorAll(".search-results .product-link"));

        await store.StopClusterAsync();

        // The results page asked before is still served from the page cache, results and all.
        var cached = await client.GetDocumentAsync($"/search?q={Uri.EscapeDataString(word)}");
        Assert.NotEmpty(cached.QuerySelectorAll(".search-results .product-link"));

        // A search not asked before explains.
        var answer = await client.GetAsync($"/search?q={Uri.EscapeDataString(word)}&sort=price-asc");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await Html.ParseAsync(await answer.Content.ReadAsStringAsync());
        var notice = page.QuerySelector(".search-unavailable");
        Assert.NotNull(notice);
        Assert.Contains("Search is not working just now", notice!.TextContent, StringComparison.Ordinal);
        var categories = notice.QuerySelectorAll(".category-links a").Select(a => a.GetAttribute("href")).ToList();
        Assert.NotEmpty(categories);
        Assert.All(categories, href => Assert.StartsWith("/c/", href, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(categories[0])).StatusCode);
        Assert.DoesNotContain("No products match", page.Body!.TextContent, StringComparison.Ordinal);
        // That page is not kept: once the engine is back, the search answers again.
        Assert.True(answer.Headers.CacheControl is { NoStore: true });

        // Everything else carries on: suggestions are simply empty, products and categories open.
        var suggest = await client.GetAsync($"/api/search/suggest?q={Uri.EscapeDataString(word[..3])}");
        Assert.Equal(HttpStatusCode.OK, suggest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/p/{product.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/search")).StatusCode);
    }
}
