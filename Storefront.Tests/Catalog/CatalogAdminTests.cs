using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Catalog;

public sealed class CatalogAdminTests(StoreFixture store) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        await store.SeedDemoAsync(48);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<int> CategoryIdAsync(string slug) =>
        await With(async sp => (await sp.GetRequiredService<ICatalogAdmin>().ListCategoriesAsync(default)).Single(c => c.Slug == slug).Id);

    private static ProductInput Valid(int categoryId, string sku = "TEST-1") => new(sku, "Trail Runner 2 Running Shoe", "trail-runner-2-" + sku.ToLowerInvariant(),
        "Light and grippy.", "Stride", categoryId, new Dictionary<string, string> { ["shoe_size"] = "10", ["color"] = "Blue" }, true);

    private static readonly InitialStock Stock = new(49.99m, 10);

    [Fact]
    public async Task Creating_a_product_with_invalid_fields_reports_each_field_and_saves_nothing()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var before = await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.CountAsync());
        var result = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(
            Valid(shoes) with { Sku = "bad sku!", Title = "", Slug = "Not A Slug", Attributes = new Dictionary<string, string> { ["shoe_size"] = "99", ["ram"] = "8 GB" } },
            new InitialStock(-1m, -5), default));
        Assert.False(result.Succeeded);
        Assert.Contains("Sku", result.Errors.Keys);
        Assert.Contains("Title", result.Errors.Keys);
        Assert.Contains("Slug", result.Errors.Keys);
        Assert.Contains("Attributes.shoe_size", result.Errors.Keys);
        Assert.Contains("Attributes.ram", result.Errors.Keys);
        Assert.Contains("Price", result.Errors.Keys);
        Assert.Contains("OnHand", result.Errors.Keys);
        Assert.Equal(before, await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.CountAsync()));
    }

    [Fact]
    public async Task A_second_product_with_the_same_sku_is_refused()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var first = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "DUP-1"), Stock, default));
        Assert.True(first.Succeeded);
        var second = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "DUP-1") with { Slug = "other-slug" }, Stock, default));
        Assert.Equal(["Another product already uses this SKU."], second.Errors["Sku"].Select(English.Words.Of));
    }

    [Fact]
    public async Task Creating_and_editing_a_product_publishes_product_changed_events_through_the_outbox()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var id = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "EVT-1"), Stock, default))).Value;
        await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(id, Valid(shoes, "EVT-1") with { Title = "Renamed Shoe" }, default));
        var messages = await store.EventPayloadsAsync("catalog.product-changed.v1");
        Assert.Equal(2, messages.Count(m => m.Contains(id.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_merchants_saving_edits_of_one_version_at_once_the_first_is_saved_and_the_second_told()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var id = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "RACE-1"), Stock, default))).Value;
        var opened = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().GetProductForEditAsync(id, default)))!.UpdatedAt;

        var saves = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => With(sp => sp.GetRequiredService<ICatalogAdmin>()
            .UpdateProductAsync(id, Valid(shoes, "RACE-1") with { Title = $"Edited by merchant {n}" }, opened, default))));
        var saved = Assert.Single(saves, s => s.Succeeded);
        Assert.All(saves.Where(s => !s.Succeeded), s => Assert.Equal(CatalogProblems.ProductChangedMeanwhile, Assert.Single(s.Errors[""]).Code));
        var now = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().GetProductForEditAsync(id, default)))!;
        Assert.Equal($"Edited by merchant {Array.IndexOf(saves, saved) + 1}", now.Input.Title);
        Assert.True(now.UpdatedAt > opened);

        // An edit of the version saved since goes through; so does a save that names no version.
        Assert.True((await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(id, Valid(shoes, "RACE-1") with { Title = "Second round" }, now.UpdatedAt, default))).Succeeded);
        Assert.False((await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(id, Valid(shoes, "RACE-1") with { Title = "Stale" }, now.UpdatedAt, default))).Succeeded);
        Assert.True((await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(id, Valid(shoes, "RACE-1") with { Title = "Any version" }, default))).Succeeded);
        Assert.Equal("Any version", (await With(sp => sp.GetRequiredService<ICatalogAdmin>().GetProductForEditAsync(id, default)))!.Input.Title);
    }

    [Fact]
    public async Task A_cached_product_page_shows_the_merchants_change_at_once()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var id = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "CACHE-1"), Stock, default))).Value;
        var first = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductAsync("trail-runner-2-cache-1", default));
        Assert.Equal("Trail Runner 2 Running Shoe", first!.Title);
        await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(id, Valid(shoes, "CACHE-1") with { Title = "Trail Runner 3" }, default));
        var second = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductAsync("trail-runner-2-cache-1", default));
        Assert.Equal("Trail Runner 3", second!.Title);
        await With(sp => sp.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(id, false, default));
        Assert.Null(await With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductAsync("trail-runner-2-cache-1", default)));
    }

    [Fact]
    public async Task Moving_a_category_moves_its_products_into_the_new_subtree()
    {
        var audio = await CategoryIdAsync("audio");
        var books = await CategoryIdAsync("books");
        var moved = await With(sp => sp.GetRequiredService<ICatalogAdmin>().MoveCategoryAsync(audio, books, default));
        Assert.True(moved.Succeeded);
        var page = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("books", PageSize: 96), default));
        // 48 demo products over 28 leaves: the first 20 leaves get two, the rest one. Books' two leaves
        // (the 23rd and 24th) have one each; audio's two (the 3rd and 4th) bring two each.
        Assert.Equal(6, page!.TotalMatching);
        var headphones = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("headphones"), default));
        Assert.Equal(["Books", "Audio", "Headphones"], headphones!.Category.Breadcrumbs.Select(c => c.Name));
        var electronics = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("electronics", PageSize: 96), default));
        Assert.Equal(15, electronics!.TotalMatching); // six leaves of the first twenty (12) and three accessory leaves (3)

        var intoItself = await With(sp => sp.GetRequiredService<ICatalogAdmin>().MoveCategoryAsync(books, audio, default));
        Assert.Contains("ParentId", intoItself.Errors.Keys);
    }

    [Fact]
    public async Task Reviews_keep_the_average_and_count_and_hidden_ones_do_not_count()
    {
        var shoes = await CategoryIdAsync("men-shoes");
        var id = (await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "REV-1"), Stock, default))).Value;
        var admin = (Func<IServiceProvider, ICatalogAdmin>)(sp => sp.GetRequiredService<ICatalogAdmin>());
        await With(sp => admin(sp).AddReviewAsync(id, new ReviewInput(5, "Great", "Love them", "Ann"), default));
        var two = await With(sp => admin(sp).AddReviewAsync(id, new ReviewInput(2, "Meh", "Rubbed", "Bo"), default));
        var bad = await With(sp => admin(sp).AddReviewAsync(id, new ReviewInput(6, "x", "y", "z"), default));
        Assert.False(bad.Succeeded);

        var details = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductAsync("trail-runner-2-rev-1", default));
        Assert.Equal((3.5m, 2), (details!.AverageRating, details.ReviewCount));

        await With(sp => admin(sp).SetReviewHiddenAsync(two.Value, true, default));
        details = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductAsync("trail-runner-2-rev-1", default));
        Assert.Equal((5m, 1), (details!.AverageRating, details.ReviewCount));
        var reviews = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetReviewsAsync(id, 1, 10, default));
        Assert.Equal(["Great"], reviews.Items.Select(r => r.Title));
    }

    [Fact]
    public async Task A_price_change_reaches_category_pages_through_the_outbox_without_touching_the_product()
    {
        var first = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("smartphones"), default));
        var product = first!.Products[0];
        var updatedBefore = await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.Where(p => p.Id == product.Id).Select(p => p.UpdatedAt).SingleAsync());

        var result = await With(sp => sp.GetRequiredService<IPricesAndStock>().SetPriceAsync(product.Sku, 1.23m, "USD", default));
        Assert.Equal(StockChangeOutcome.Changed, result.Outcome);
        await store.DrainOutboxAsync();

        var cheapest = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("smartphones", ProductSort.PriceLowHigh), default));
        Assert.Equal((product.Id, 1.23m), (cheapest!.Products[0].Id, cheapest.Products[0].Price!.Value.Amount));
        var updatedAfter = await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.Where(p => p.Id == product.Id).Select(p => p.UpdatedAt).SingleAsync());
        Assert.Equal(updatedBefore, updatedAfter);
    }

    [Fact]
    public async Task A_burst_of_holds_reaches_the_listing_copy_with_each_SKUs_newest_availability()
    {
        var page = await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("electronics", PageSize: 96), default));
        Assert.True(page!.Products.Count >= 3);
        var skus = page.Products.Take(3).Select(p => p.Sku).ToList();
        foreach (var sku in skus)
            await With(sp => sp.GetRequiredService<IPricesAndStock>().SetOnHandAsync(sku, 50, StockChangeContext.System, default));
        // Twenty holds and releases spread over three SKUs: sixty-odd events, delivered in runs.
        for (var i = 0; i < 20; i++)
        {
            var sku = skus[i % 3];
            await With(sp => sp.GetRequiredService<IStockReservations>().ReserveAsync($"burst-{i}", sku, 1 + i % 4, default));
            if (i % 5 == 4) await With(sp => sp.GetRequiredService<IStockReservations>().ReleaseAsync($"burst-{i}", sku, default));
        }
        await store.DrainOutboxAsync();

        var expected = await With(sp => sp.GetRequiredService<IStockReservations>().AvailabilityAsync(skus, default));
        var listed = await With(sp => sp.GetRequiredService<CatalogDbContext>().ListingPrices
            .Where(l => skus.Contains(l.Sku)).ToDictionaryAsync(l => l.Sku, l => l.Available));
        Assert.Equal(expected.OrderBy(e => e.Key), listed.OrderBy(e => e.Key));
        Assert.All(skus, sku => Assert.True(listed[sku] < 50));
    }

    [Fact]
    public async Task Stock_and_price_edits_reject_bad_values_and_unknown_skus()
    {
        var sku = (await With(sp => sp.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("laptops"), default)))!.Products[0].Sku;
        var stock = (Func<IServiceProvider, IPricesAndStock>)(sp => sp.GetRequiredService<IPricesAndStock>());
        Assert.Equal(StockChangeOutcome.Invalid, (await With(sp => stock(sp).SetOnHandAsync(sku, -1, StockChangeContext.System, default))).Outcome);
        Assert.Equal(StockChangeOutcome.Invalid, (await With(sp => stock(sp).SetPriceAsync(sku, -5m, "USD", default))).Outcome);
        Assert.Equal(StockChangeOutcome.Invalid, (await With(sp => stock(sp).SetPriceAsync(sku, 1.234m, "USD", default))).Outcome);
        Assert.Equal(StockChangeOutcome.Invalid, (await With(sp => stock(sp).SetPriceAsync(sku, 10m, "usd", default))).Outcome);
        Assert.Equal(StockChangeOutcome.UnknownSku, (await With(sp => stock(sp).SetOnHandAsync("NOPE", 3, StockChangeContext.System, default))).Outcome);
        Assert.Equal(StockChangeOutcome.Changed, (await With(sp => stock(sp).SetOnHandAsync(sku, 3, StockChangeContext.System, default))).Outcome);
        Assert.Equal(3, (await With(sp => stock(sp).GetAsync(sku, default)))!.Available);
    }

    /// <summary>
    /// A page reads the category tree from the database just before a merchant's new category
    /// commits, and finishes after the change has cleared the cache. That old tree must not go back
    /// into the cache: the next page has to see the new category, not wait ten minutes for it.
    /// </summary>
    [Fact]
    public async Task A_tree_read_before_a_category_was_added_is_not_cached_after_it()
    {
        var parent = await CategoryIdAsync("men-shoes");
        using var scope = store.Services.CreateScope();
        var cache = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>();
        var pause = new PauseAfterQuery();
        var options = new DbContextOptionsBuilder<CatalogDbContext>(scope.ServiceProvider.GetRequiredService<DbContextOptions<CatalogDbContext>>())
            .AddInterceptors(pause).Options;
        await using var slowDb = new CatalogDbContext(options);
        var slowTree = new Storefront.Catalog.Categories.CategoryTree(slowDb, cache);

        slowTree.Invalidate(); // nothing cached: the next page reads the database
        var slowRead = slowTree.GetAsync(default);
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10)); // its rows are read: the old tree
        var created = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateCategoryAsync("Late Shoes", parent, default));
        Assert.True(created.Succeeded);
        pause.Release.SetResult();
        Assert.DoesNotContain(created.Value, (await slowRead).ById.Keys); // the slow page itself had the old tree

        var tree = await With(sp => sp.GetRequiredService<ICatalogQueries>().GetCategoryTreeAsync(default));
        static IEnumerable<CategoryNode> All(IEnumerable<CategoryNode> nodes) => nodes.SelectMany(n => All(n.Children).Prepend(n));
        Assert.Contains(All(tree), c => c.Id == created.Value);
    }

    /// <summary>What a category page says about its whole category: the product count and the brands offered.</summary>
    private async Task<(int Count, string Brands)> CountsAsync(HttpClient client, string slug)
    {
        var page = await client.GetDocumentAsync($"/c/{slug}");
        var count = int.Parse(page.QuerySelector("#result-count")!.TextContent.Split(' ')[0].Replace(",", "", StringComparison.Ordinal),
            System.Globalization.CultureInfo.InvariantCulture);
        var brands = string.Join(", ", page.QuerySelectorAll("input[name=brand]").Select(i => i.ParentElement!.TextContent.Trim()));
        return (count, brands);
    }

    /// <summary>Asks the page until it says what is expected (the recount runs as the change's event arrives).</summary>
    private async Task<(int Count, string Brands)> ShowsAsync(HttpClient client, string slug, Func<(int Count, string Brands), bool> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var counts = await CountsAsync(client, slug);
            if (expected(counts) || DateTime.UtcNow > deadline) return counts;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Category_counts_follow_a_product_created_moved_and_withdrawn_within_seconds_not_at_the_hourly_recount()
    {
        var client = store.Client();
        var (menShoes, womenShoes) = (await CategoryIdAsync("men-shoes"), await CategoryIdAsync("women-shoes"));
        var before = new Dictionary<string, (int Count, string Brands)>();
        foreach (var slug in new[] { "men-shoes", "men", "clothing", "women-shoes" }) before[slug] = await CountsAsync(client, slug);
        Assert.DoesNotContain("Zephyrwalk", before["men-shoes"].Brands, StringComparison.Ordinal);

        var created = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(
            Valid(menShoes, "COUNT-1") with { Brand = "Zephyrwalk" }, Stock, default));
        Assert.True(created.Succeeded);
        foreach (var slug in new[] { "men-shoes", "men", "clothing" })
        {
            var now = await ShowsAsync(client, slug, c => c.Count == before[slug].Count + 1);
            Assert.Equal(before[slug].Count + 1, now.Count);
            Assert.Contains("Zephyrwalk (1)", now.Brands, StringComparison.Ordinal);
        }

        var moved = await With(sp => sp.GetRequiredService<ICatalogAdmin>().UpdateProductAsync(created.Value,
            Valid(womenShoes, "COUNT-1") with { Brand = "Zephyrwalk", Attributes = new Dictionary<string, string>() }, default));
        Assert.True(moved.Succeeded, string.Join("; ", moved.Errors.SelectMany(e => e.Value.Select(English.Words.Of))));
        Assert.Equal(before["men-shoes"], await ShowsAsync(client, "men-shoes", c => c == before["men-shoes"]));
        var inWomen = await ShowsAsync(client, "women-shoes", c => c.Count == before["women-shoes"].Count + 1);
        Assert.Equal(before["women-shoes"].Count + 1, inWomen.Count);
        Assert.Contains("Zephyrwalk (1)", inWomen.Brands, StringComparison.Ordinal);
        Assert.Equal(before["clothing"].Count + 1, (await CountsAsync(client, "clothing")).Count);

        Assert.True(await With(sp => sp.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(created.Value, false, default)));
        Assert.Equal(before["women-shoes"], await ShowsAsync(client, "women-shoes", c => c == before["women-shoes"]));
        Assert.Equal(before["clothing"], await ShowsAsync(client, "clothing", c => c == before["clothing"]));
    }

    [Fact]
    public async Task Products_created_while_their_category_is_being_recounted_are_all_counted_in_the_end()
    {
        var client = store.Client();
        var shoes = await CategoryIdAsync("men-shoes");
        var before = await CountsAsync(client, "men-shoes");
        using var writing = new CancellationTokenSource();
        // Recounts back to back, as a busy consumer and the hourly job would, while products arrive.
        var recounts = Task.Run(async () =>
        {
            var passes = 0;
            while (!writing.IsCancellationRequested)
            {
                using var scope = store.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<Storefront.Catalog.Listing.CategoryFacets>().RecountStaleAsync(default);
                passes++;
            }
            return passes;
        });
        var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var ok = 0;
            for (var i = 0; i < 6; i++)
                if ((await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, $"RACE-{writer}-{i}"), Stock, default))).Succeeded) ok++;
            return ok;
        })));
        await writing.CancelAsync();
        Assert.True(await recounts > 1);
        Assert.Equal(24, created.Sum());

        var after = await ShowsAsync(client, "men-shoes", c => c.Count == before.Count + 24);
        Assert.Equal(before.Count + 24, after.Count);
        await store.DrainOutboxAsync();
        Assert.Equal(after, await CountsAsync(client, "men-shoes"));
    }

    [Fact]
    public async Task A_slow_recount_that_began_before_a_change_never_overwrites_the_counts_of_one_that_began_after_it()
    {
        var client = store.Client();
        var shoes = await CategoryIdAsync("men-shoes");
        var before = await CountsAsync(client, "men-shoes");
        using var scope = store.Services.CreateScope();
        var sp = scope.ServiceProvider;
        await sp.GetRequiredService<Storefront.Catalog.Listing.CategoryFacets>().MarkStaleAsync([shoes], default);

        // A recount that has counted "men-shoes" and is held just before storing what it counted.
        var pause = new PauseBeforeCommand("INSERT INTO catalog.category_facets");
        var options = new DbContextOptionsBuilder<CatalogDbContext>(sp.GetRequiredService<DbContextOptions<CatalogDbContext>>()).AddInterceptors(pause).Options;
        await using var slowDb = new CatalogDbContext(options);
        var cache = sp.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>();
        var slow = new Storefront.Catalog.Listing.CategoryFacets(slowDb, new Storefront.Catalog.Categories.CategoryTree(slowDb, cache), cache, TimeProvider.System);
        var slowRecount = slow.RecountStaleAsync(default);
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Meanwhile a product arrives and its own recount runs and finishes.
        Assert.True((await With(s => s.GetRequiredService<ICatalogAdmin>().CreateProductAsync(Valid(shoes, "LATE-1"), Stock, default))).Succeeded);
        Assert.Equal(before.Count + 1, (await ShowsAsync(client, "men-shoes", c => c.Count == before.Count + 1)).Count);

        pause.Release.SetResult();
        Assert.Contains(shoes, await slowRecount);
        // What every instance reads when its cached copy ends.
        var stored = await With(s => s.GetRequiredService<CatalogDbContext>().Set<Storefront.Catalog.Listing.CategoryFacetRow>()
            .Where(r => r.CategoryId == shoes).Select(r => r.Facets).SingleAsync());
        Assert.Equal(before.Count + 1, System.Text.Json.JsonDocument.Parse(stored).RootElement.GetProperty("total").GetInt64());
        Assert.Empty(await With(s => s.GetRequiredService<CatalogDbContext>().Set<Storefront.Catalog.Listing.CategoryFacetRow>()
            .Where(r => r.StaleMark != null).Select(r => r.CategoryId).ToListAsync()));
    }

    /// <summary>Holds the first command whose text contains <paramref name="text"/> before it runs, until released.</summary>
    private sealed class PauseBeforeCommand(string text) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(text, StringComparison.Ordinal) && Reached.TrySetResult()) await Release.Task;
            return result;
        }
    }

    /// <summary>Holds the first query it sees after the database answered, until released.</summary>
    private sealed class PauseAfterQuery : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (Reached.TrySetResult()) await Release.Task;
            return result;
        }
    }
}
