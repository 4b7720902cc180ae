using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Checkout.Contracts;
using Storefront.Search;
using Storefront.Search.Contracts;
using Storefront.Search.Ranking;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Search;

/// <summary>The demo catalog with its index built; the outbox is delivered only when a test drains it.</summary>
public sealed class RankingStoreFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Events:Enabled"] = "false",
        ["Search:Ranking:ClicksPerVisitorPerDay"] = "3",
        // Ranking is what these tests read: every results page is made for its request (sharing
        // results pages is tested in Web/PageCacheTests).
        ["PageCache:Enabled"] = "false",
    };

    /// <summary>The clicks recorded for a product (its activity rows' sum), or null when no row, of activity or popularity, names it.</summary>
    public async Task<long?> RecordedClicksAsync(Guid productId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM search.product_activity WHERE product_id = @id)
                          OR EXISTS (SELECT 1 FROM search.product_popularity WHERE product_id = @id)
                        THEN (SELECT coalesce(sum(clicks), 0) FROM search.product_activity WHERE product_id = @id) END
            """, connection);
        command.Parameters.AddWithValue("id", productId);
        return await command.ExecuteScalarAsync() is long clicks ? clicks : null;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }

    public sealed record Twin(Guid Id, string Sku, string Slug, string Brand, string Title);

    /// <summary>
    /// Two products of different brands and categories given the same title (unique to the call) and
    /// no reviews, so that text and reviews rank them equally; ordered by id, which breaks the tie.
    /// </summary>
    public async Task<(Twin First, Twin Second, string Words)> TwinsAsync(string word)
    {
        var title = $"Zephyrine {word} Vantablume";
        var twins = new List<Twin>();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                WITH picked AS (
                    SELECT DISTINCT ON (brand) id, sku, slug, brand, category_id FROM catalog.products
                    WHERE is_published AND title NOT LIKE 'Zephyrine %' ORDER BY brand, id),
                two AS (
                    SELECT a.id AS a, b.id AS b FROM picked a JOIN picked b ON a.id < b.id AND a.category_id <> b.category_id
                    ORDER BY a.id, b.id LIMIT 1)
                UPDATE catalog.products p SET title = @title, review_count = 0, average_rating = 0
                FROM two WHERE p.id IN (two.a, two.b)
                RETURNING p.id, p.sku, p.slug, p.brand
                """, connection);
            command.Parameters.AddWithValue("title", title);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) twins.Add(new Twin(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), title));
        }
        Assert.Equal(2, twins.Count);
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<SearchIndexer>().ReindexProductsAsync(twins.Select(t => t.Id).ToList(), default);
        twins.Sort((x, y) => string.CompareOrdinal(x.Id.ToString("N"), y.Id.ToString("N")));
        return (twins[0], twins[1], $"zephyrine {word} vantablume");
    }

    public async Task<int> RecountPopularityAsync()
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PopularityJob>().RunAsync(default);
    }
}

public sealed class RankingTests(RankingStoreFixture store) : IClassFixture<RankingStoreFixture>
{
    private static async Task<string[]> ResultSlugsAsync(HttpClient client, string words) =>
        (await ResultsAsync(client, words)).Select(r => r.Slug).ToArray();

    private sealed record Shown(string Slug, Guid ProductId, string Token);

    /// <summary>
    /// The results a visitor is shown, each with its click token as a browser gets it: in the page
    /// when the page was made for this visitor, else from /api/visitor (the shared page's script).
    /// </summary>
    private static async Task<Shown[]> ResultsAsync(HttpClient client, string words)
    {
        var page = await client.GetDocumentAsync($"/search?q={Uri.EscapeDataString(words)}");
        var links = page.QuerySelectorAll(".search-results .product-link")
            .Select(a => (Slug: a.GetAttribute("href")![3..], Id: Guid.Parse(a.GetAttribute("data-product")!), Token: a.GetAttribute("data-click") is { Length: > 0 } t ? t : null)).ToArray();
        if (links.All(l => l.Token is not null)) return links.Select(l => new Shown(l.Slug, l.Id, l.Token!)).ToArray();
        var answer = await client.PostAsync("/api/visitor", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["results"] = string.Join(',', links.Select(l => l.Id)),
        }));
        var tokens = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clicks");
        return links.Select(l => new Shown(l.Slug, l.Id, l.Token ?? tokens.GetProperty(l.Id.ToString()).GetString()!)).ToArray();
    }

    private static Task<HttpResponseMessage> ClickAsync(HttpClient client, Guid product, string? token) =>
        client.PostAsync("/api/search/click", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["product"] = product.ToString(), ["token"] = token ?? "",
        }));

    /// <summary>A visitor opens a result from their own results page.</summary>
    private static async Task<HttpResponseMessage> ClickFromResultsAsync(HttpClient client, string words, Guid product) =>
        await ClickAsync(client, product, (await ResultsAsync(client, words)).Single(r => r.ProductId == product).Token);

    [Fact]
    public async Task Results_that_shoppers_click_rise_once_the_popularity_job_has_run()
    {
        var (first, second, words) = await store.TwinsAsync("qlickzor");
        var shopper = store.Client();
        Assert.Equal(new[] { first.Slug, second.Slug }, await ResultSlugsAsync(shopper, words));

        // Three shoppers open the second from their results; one of them clicks it again (counted once a day).
        foreach (var client in new[] { shopper, store.Client(), store.Client(), shopper })
            Assert.Equal(HttpStatusCode.NoContent, (await ClickFromResultsAsync(client, words, second.Id)).StatusCode);
        Assert.Equal(new[] { first.Slug, second.Slug }, await ResultSlugsAsync(store.Client(), words));

        Assert.True(await store.RecountPopularityAsync() >= 1);
        Assert.Equal(new[] { second.Slug, first.Slug }, await ResultSlugsAsync(store.Client(), words));
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT clicks FROM search.product_popularity WHERE product_id = @id", connection);
        command.Parameters.AddWithValue("id", second.Id);
        Assert.Equal(3, (int)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Purchases_count_once_per_order_and_lift_the_product()
    {
        var (first, second, words) = await store.TwinsAsync("purchzor");
        var order = new OrderPlacedEvent(Guid.NewGuid(), "SF-TEST-1", null, "shopper@example.com",
            [new OrderPlacedLine(second.Sku, 2, 10m)], 20m, "USD", DateTimeOffset.UtcNow);
        using (var scope = store.Services.CreateScope())
        {
            var consumer = scope.ServiceProvider.GetServices<Storefront.BuildingBlocks.Events.EventConsumerDefinition>().Single(c => c.Name == "search.popularity");
            var handler = (Storefront.BuildingBlocks.Outbox.IIntegrationEventHandler<OrderPlacedEvent>)scope.ServiceProvider.GetRequiredService(consumer.HandlerType);
            await handler.HandleAsync(order, default);
            await handler.HandleAsync(order, default); // delivered again
        }
        await store.RecountPopularityAsync();
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT purchases FROM search.product_popularity WHERE product_id = @id", connection);
        command.Parameters.AddWithValue("id", second.Id);
        Assert.Equal(2, (int)(await command.ExecuteScalarAsync())!);
        Assert.Equal(new[] { second.Slug, first.Slug }, await ResultSlugsAsync(store.Client(), words));
    }

    /// <summary>Opens a product page as a browser does: the shared page, then its script telling /api/visitor what is viewed.</summary>
    private static async Task<HttpResponseMessage> ViewAsync(HttpClient client, string slug)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/p/{slug}")).StatusCode);
        var answer = await client.PostAsync("/api/visitor", new FormUrlEncodedContent(new Dictionary<string, string> { ["viewed"] = slug }));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return answer;
    }

    [Fact]
    public async Task A_shopper_sees_the_brands_and_categories_they_look_at_first()
    {
        var (first, second, words) = await store.TwinsAsync("personzor");
        var likesSecond = store.Client();
        var likesFirst = store.Client();
        // Both have been here before (the visitor cookie, from the first page's script); a first visit keeps no history.
        foreach (var client in new[] { likesSecond, likesFirst })
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/visitor", new FormUrlEncodedContent([]))).StatusCode);
        await ViewAsync(likesSecond, second.Slug);
        await ViewAsync(likesFirst, first.Slug);

        Assert.Equal(new[] { second.Slug, first.Slug }, await ResultSlugsAsync(likesSecond, words));
        Assert.Equal(new[] { first.Slug, second.Slug }, await ResultSlugsAsync(likesFirst, words));
        // Someone with no history gets the plain order.
        Assert.Equal(new[] { first.Slug, second.Slug }, await ResultSlugsAsync(store.Client(), words));
    }

    [Fact]
    public async Task Clicks_older_than_the_window_stop_counting()
    {
        var (_, second, _) = await store.TwinsAsync("windowzor");
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        async Task<int> ClicksAsync()
        {
            await using var read = new NpgsqlCommand("SELECT clicks FROM search.product_popularity WHERE product_id = @id", connection);
            read.Parameters.AddWithValue("id", second.Id);
            return (int)(await read.ExecuteScalarAsync())!;
        }
        // Seven clicks 40 days ago and two yesterday, as if counted then.
        await using (var seed = new NpgsqlCommand("""
            INSERT INTO search.product_activity (product_id, day, clicks, purchases)
            VALUES (@id, current_date - 40, 7, 0), (@id, current_date - 1, 2, 0);
            INSERT INTO search.product_popularity (product_id, clicks, purchases, stale) VALUES (@id, 9, 0, false);
            """, connection))
        {
            seed.Parameters.AddWithValue("id", second.Id);
            await seed.ExecuteNonQueryAsync();
        }
        Assert.Equal(9, await ClicksAsync());
        await store.RecountPopularityAsync();
        Assert.Equal(2, await ClicksAsync());
    }

    [Fact]
    public async Task A_click_report_without_a_product_is_a_problem_and_counts_nothing()
    {
        var response = await store.Client().PostAsync("/api/search/click", new FormUrlEncodedContent(new Dictionary<string, string> { ["product"] = "<script>" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await store.Client().PostAsync("/api/search/click", new StringContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task An_honest_click_from_the_results_page_counts_once()
    {
        var (_, second, words) = await store.TwinsAsync("honestzor");
        var shopper = store.Client();
        var shown = (await ResultsAsync(shopper, words)).Single(r => r.ProductId == second.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await ClickAsync(shopper, second.Id, shown.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ClickAsync(shopper, second.Id, shown.Token)).StatusCode); // the same click again
        Assert.Equal(1, await store.RecordedClicksAsync(second.Id));
    }

    [Fact]
    public async Task Forged_clicks_count_nothing_and_store_nothing()
    {
        var (first, second, words) = await store.TwinsAsync("forgezor");
        var shopper = store.Client();
        var shown = await ResultsAsync(shopper, words);
        var firstToken = shown.Single(r => r.ProductId == first.Id).Token;
        var nowhere = Guid.NewGuid();

        async Task RefusedAsync(HttpClient client, Guid product, string? token, HttpStatusCode status = HttpStatusCode.Forbidden)
        {
            var response = await ClickAsync(client, product, token);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // A product that does not exist, with no token or with another product's.
        await RefusedAsync(shopper, nowhere, null, HttpStatusCode.BadRequest);
        await RefusedAsync(shopper, nowhere, firstToken);
        // A real product this visitor was not shown (the token is the other twin's), or a tampered token.
        await RefusedAsync(store.Client(), second.Id, firstToken);
        await RefusedAsync(shopper, first.Id, firstToken[..^4] + "AAAA");
        // A visitor without the visitor cookie: every cookie-less request would be a new visitor.
        var cookieless = store.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        await RefusedAsync(cookieless, first.Id, firstToken);
        // Another visitor replaying this visitor's token.
        var other = store.Client();
        await ResultsAsync(other, words);
        await RefusedAsync(other, first.Id, firstToken);

        foreach (var product in new[] { nowhere, first.Id, second.Id }) Assert.Null(await store.RecordedClicksAsync(product));
        Assert.Empty(await store.RedisKeysAsync($"search:clicked:*{nowhere:N}"));
        Assert.Empty(await store.RedisKeysAsync($"search:clicked:*{first.Id:N}"));
    }

    [Fact]
    public async Task One_visitor_counts_clicks_on_a_bounded_number_of_products_a_day()
    {
        var shopper = store.Client();
        var shown = await ResultsAsync(shopper, "headphones");
        Assert.True(shown.Length >= 5);
        async Task<long> ClicksAsync()
        {
            var sum = 0L;
            foreach (var result in shown.Take(5)) sum += await store.RecordedClicksAsync(result.ProductId) ?? 0;
            return sum;
        }
        var before = await ClicksAsync();
        foreach (var result in shown.Take(5)) Assert.Equal(HttpStatusCode.NoContent, (await ClickAsync(shopper, result.ProductId, result.Token)).StatusCode);
        Assert.Equal(before + 3, await ClicksAsync()); // Search:Ranking:ClicksPerVisitorPerDay in this fixture
    }

    [Fact]
    public async Task Product_views_keep_a_history_only_for_visitors_who_have_the_cookie()
    {
        var (first, _, _) = await store.TwinsAsync("crawlzor");
        var before = (await store.RedisKeysAsync("search:history:*")).Count;
        // A crawler that runs the page's script but keeps no cookies is offered one each time, and
        // leaves no history.
        var crawler = store.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        for (var i = 0; i < 3; i++)
        {
            var answer = await ViewAsync(crawler, first.Slug);
            Assert.Contains(answer.Headers.GetValues("Set-Cookie"), c => c.StartsWith("storefront.visitor=", StringComparison.Ordinal));
        }
        Assert.Equal(before, (await store.RedisKeysAsync("search:history:*")).Count);

        var shopper = store.Client();
        await ViewAsync(shopper, first.Slug); // the first visit sets the cookie
        await ViewAsync(shopper, first.Slug);
        Assert.Equal(before + 1, (await store.RedisKeysAsync("search:history:*")).Count);
    }

    [Fact]
    public async Task The_status_page_shows_changes_waiting_and_then_how_long_they_took()
    {
        var product = await store.ProductAsync(onHand: 77); // its stock change waits in the outbox
        var admin = await store.AdminClientAsync();
        var waiting = (await admin.GetDocumentAsync("/admin/search")).QuerySelector("#lag")!.TextContent;
        Assert.Matches(@"^\d+ changes? waiting, the oldest for [\d.]+ s; ", waiting);

        await store.DrainOutboxAsync();
        var applied = (await admin.GetDocumentAsync("/admin/search")).QuerySelector("#lag")!.TextContent;
        Assert.Matches(@"^up to date; last change applied [\d.]+ s after it happened$", applied);
        Assert.NotNull(product);
    }
}
