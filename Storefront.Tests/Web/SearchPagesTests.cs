using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Search.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>The demo catalog with its search index built.</summary>
public sealed class SearchStoreFixture : ShopFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }
}

public sealed class SearchPagesTests(SearchStoreFixture store) : IClassFixture<SearchStoreFixture>
{
    [Fact]
    public async Task Searching_for_a_products_words_finds_it_with_facets()
    {
        var product = await store.ProductAsync(onHand: 7);
        var words = string.Join(' ', product.Title.Split(' ').Take(3));
        var page = await store.Client().GetDocumentAsync($"/search?q={Uri.EscapeDataString(words)}");
        Assert.Contains(page.QuerySelectorAll(".search-results .product-link"), a => a.GetAttribute("href") == $"/p/{product.Slug}");
        Assert.NotEmpty(page.QuerySelectorAll(".filters fieldset"));
        Assert.Contains(page.QuerySelectorAll(".filters .facet-list a"), a => a.TextContent == "In stock");
        Assert.Equal(words, page.QuerySelector("#site-search-q")!.GetAttribute("value"));
    }

    [Fact]
    public async Task A_typo_still_finds_the_product()
    {
        var product = await store.ProductAsync(onHand: 3);
        var word = product.Title.Split(' ').First(w => w.Length >= 6 && w.All(char.IsLetter));
        var typo = word.Remove(2, 1);
        var page = await store.Client().GetDocumentAsync($"/search?q={Uri.EscapeDataString(typo)}");
        Assert.NotEmpty(page.QuerySelectorAll(".search-results .product-card"));
        Assert.Contains(page.QuerySelectorAll(".search-results .product-title"), t => t.TextContent.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_price_change_reaches_search_through_the_outbox()
    {
        var product = await store.ProductAsync(onHand: 5);
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, 0.77m, "USD", default)).Succeeded);
        await store.DrainOutboxAsync();
        var page = await store.Client().GetDocumentAsync("/search?max=0.80&sort=price-asc");
        Assert.Contains(page.QuerySelectorAll(".search-results .product-link"), a => a.GetAttribute("href") == $"/p/{product.Slug}");
        Assert.All(page.QuerySelectorAll(".search-results .price"), p => Assert.Equal("$0.77", p.TextContent));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("title:(foo AND")]
    [InlineData("'; DROP TABLE catalog.products; --")]
    [InlineData("*?~^")]
    public async Task Hostile_queries_get_a_page_and_are_never_reflected_unescaped(string query)
    {
        var response = await store.Client().GetAsync($"/search?q={Uri.EscapeDataString(query)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_very_long_query_and_a_query_with_no_matches_get_a_helpful_page()
    {
        var long_ = await store.Client().GetAsync("/search?q=" + new string('x', 5000));
        Assert.Equal(HttpStatusCode.OK, long_.StatusCode);
        var none = await store.Client().GetDocumentAsync("/search?q=qqqqzzzzwwww");
        Assert.Equal("No products match “qqqqzzzzwwww”", none.QuerySelector(".zero-results h2")!.TextContent);
    }

    [Fact]
    public async Task Result_pages_follow_the_page_number_and_one_past_the_end_shows_the_last_page()
    {
        var client = store.Client();
        static string Pager(AngleSharp.Dom.IDocument page) => page.QuerySelector(".pager span")!.TextContent;
        var first = await client.GetDocumentAsync("/search?sort=price-asc");
        var pages = System.Text.RegularExpressions.Regex.Match(Pager(first), @"^Page 1 of (\d+)$").Groups[1].Value;
        var second = await client.GetDocumentAsync("/search?sort=price-asc&page=2");
        Assert.Equal($"Page 2 of {pages}", Pager(second));
        Assert.Empty(second.QuerySelectorAll(".search-results .product-link").Select(a => a.GetAttribute("href"))
            .Intersect(first.QuerySelectorAll(".search-results .product-link").Select(a => a.GetAttribute("href"))));
        // int.MaxValue is past the end: the last page; a number no int holds, or below one: the first.
        foreach (var (asked, shown) in new[] { ("2147483647", pages), ("99999999999", "1"), ("-1", "1") })
        {
            var page = await client.GetDocumentAsync($"/search?sort=price-asc&page={asked}");
            Assert.Equal($"Page {shown} of {pages}", Pager(page));
            Assert.NotEmpty(page.QuerySelectorAll(".search-results .product-card"));
        }
    }

    [Fact]
    public async Task Suggestions_come_as_the_shopper_types_at_most_ten()
    {
        var suggestions = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(store.Client(), "/api/search/suggest?q=head");
        var all = suggestions.EnumerateArray().ToList();
        Assert.InRange(all.Count, 1, 10);
        Assert.Contains(all, s => s.GetProperty("kind").GetString() == "category" && s.GetProperty("url").GetString() == "/c/headphones");
        Assert.Empty((await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(store.Client(), "/api/search/suggest?q=h")).EnumerateArray());
    }

    [Fact]
    public async Task A_full_rebuild_keeps_search_answering_and_ends_with_the_same_products()
    {
        var before = await store.Client().GetDocumentAsync("/search");
        var total = before.QuerySelector(".toolbar p")!.TextContent;
        using var stop = new CancellationTokenSource();
        var searching = Task.Run(async () =>
        {
            var answered = 0;
            while (!stop.IsCancellationRequested)
            {
                var page = await store.Client().GetDocumentAsync("/search?q=a&sort=price-asc");
                Assert.NotNull(page.QuerySelector(".toolbar"));
                Assert.Null(page.QuerySelector(".zero-results"));
                answered++;
            }
            return answered;
        });
        long rebuilt;
        using (var scope = store.Services.CreateScope())
            rebuilt = await scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>().RebuildAsync(default);
        await stop.CancelAsync();
        Assert.True(await searching > 0);
        Assert.True(rebuilt > 0);
        Assert.Equal(total, (await store.Client().GetDocumentAsync("/search")).QuerySelector(".toolbar p")!.TextContent);

        var admin = await store.AdminClientAsync();
        var status = await admin.GetDocumentAsync("/admin/search");
        Assert.Equal(total.Split(' ')[0], status.QuerySelector("#documents")!.TextContent);
        Assert.Contains("products in", status.QuerySelector(".search-status")!.TextContent, StringComparison.Ordinal);
    }
}
