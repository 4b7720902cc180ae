using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

public sealed class CurationFixture : ShopFixture;

public sealed class ColdStartFixture : ShopFixture;

/// <summary>The merchant's pins and blocks, which show on the next page view, and coverage.</summary>
public sealed class CurationTests(CurationFixture store) : IClassFixture<CurationFixture>
{
    private readonly Lists lists = new(store);

    [Fact]
    public async Task A_pinned_product_leads_the_list_and_a_blocked_pair_is_never_shown_either_way_on_the_next_view()
    {
        var (hob, pan, lid, apron) = (await store.ProductAsync(40), await store.ProductAsync(40), await store.ProductAsync(40), await store.ProductAsync(40));
        foreach (var who in new[] { "a", "b", "c" }) await Orders.PlaceAsync(store, Lists.Shopper(who), hob, pan, lid);
        await Orders.PlaceAsync(store, Lists.Shopper("d"), apron);
        await lists.RebuildAsync();
        Assert.Equal(new[] { pan.Sku, lid.Sku }.Order(), (await lists.ListAsync(hob.Sku)).Where(i => i.GoesWith).Select(i => i.Sku).Order());

        Assert.Contains(hob.Sku, (await lists.ListAsync(pan.Sku)).Select(i => i.Sku));
        var client = await store.AdminClientAsync();

        async Task<AngleSharp.Dom.IDocument> ChangeAsync(string handler, string other)
        {
            var page = await client.GetStringAsync($"/admin/recommendations?sku={hob.Sku}");
            var response = await client.PostAsync($"/admin/recommendations?sku={hob.Sku}&handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["other"] = other, ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
            }));
            Assert.True(response.IsSuccessStatusCode, $"{handler}: {response.StatusCode}");
            return await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        }

        // The merchant pins the apron (nobody bought it with the hob) and blocks the pan.
        var afterPin = await ChangeAsync("Pin", apron.Sku);
        Assert.Equal($"“{apron.Sku}” is now pinned to the top of this list.", afterPin.QuerySelector(".flash")!.TextContent);
        await ChangeAsync("Block", pan.Sku);
        var list = await lists.ListAsync(hob.Sku);
        Assert.Equal((apron.Sku, RecommendationSources.Pinned), (list[0].Sku, list[0].Source));
        Assert.DoesNotContain(pan.Sku, list.Select(i => i.Sku));
        Assert.DoesNotContain(hob.Sku, (await lists.ListAsync(pan.Sku)).Select(i => i.Sku)); // the other way round too

        var shown = (await store.Client().GetDocumentAsync($"/p/{hob.Slug}")).QuerySelectorAll("section.also-bought .product-card a.product-link")
            .Select(a => a.GetAttribute("href")![3..]).ToList();
        Assert.Equal([apron.Slug, lid.Slug], shown);

        // The merchant's screen shows the list with its sources and scores, and the block.
        var screen = await client.GetDocumentAsync($"/admin/recommendations?sku={hob.Sku}");
        var rows = screen.QuerySelectorAll("table.recommendation-list tbody tr").Select(r => (r.GetAttribute("data-sku"), r.GetAttribute("data-source"))).ToList();
        Assert.Equal((apron.Sku, RecommendationSources.Pinned), rows[0]);
        Assert.Equal((lid.Sku, RecommendationSources.CoPurchase), rows[1]);
        Assert.Equal([pan.Sku], screen.QuerySelectorAll("ul.blocked li").Select(li => li.GetAttribute("data-sku")));
        Assert.NotNull(screen.QuerySelector("table.runs tbody tr"));

        // Undone, and the nightly rebuild keeps what the merchant chose in between.
        await ChangeAsync("Unblock", pan.Sku);
        Assert.Contains(pan.Sku, (await lists.ListAsync(hob.Sku)).Select(i => i.Sku));
        await ChangeAsync("Block", pan.Sku);
        await lists.RebuildAsync();
        list = await lists.ListAsync(hob.Sku);
        Assert.Equal(apron.Sku, list[0].Sku);
        Assert.DoesNotContain(pan.Sku, list.Select(i => i.Sku));
    }

    [Theory]
    [InlineData("", "Enter the SKU of the other product.")]
    [InlineData("NO-SUCH-SKU", "No published product has the SKU “NO-SUCH-SKU”.")]
    public async Task A_pin_the_merchant_cannot_mean_is_refused_with_a_message_and_changes_nothing(string other, string message)
    {
        var product = await store.ProductAsync(5);
        var client = await store.AdminClientAsync();
        var page = await client.GetStringAsync($"/admin/recommendations?sku={product.Sku}");
        var response = await client.PostAsync($"/admin/recommendations?sku={product.Sku}&handler=Pin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["other"] = other, ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        var document = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal(message, document.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.DoesNotContain(await lists.ListAsync(product.Sku), i => i.Source == RecommendationSources.Pinned);
    }

    [Fact]
    public async Task Coverage_counts_the_products_with_three_recommendations()
    {
        var (a, b, c, d) = (await store.ProductAsync(40), await store.ProductAsync(40), await store.ProductAsync(40), await store.ProductAsync(40));
        foreach (var who in new[] { "x", "y" }) await Orders.PlaceAsync(store, Lists.Shopper(who), a, b, c, d);
        await Orders.PlaceAsync(store, Lists.Shopper("z"), await store.ProductAsync(40)); // without her, every customer bought all four: no evidence
        await lists.RebuildAsync();
        var coverage = await lists.With(sp => sp.GetRequiredService<IRecommendationsAdmin>().CoverageAsync(default));
        Assert.True(coverage.Products >= 100, $"{coverage.Products} products placed");
        Assert.InRange(coverage.WithThree, 4, coverage.Products); // a, b, c and d each have the other three
        Assert.InRange(coverage.WithThreeFilled, coverage.WithThree, coverage.Products);
    }
}

/// <summary>Cold start: a product too few people bought anything with shows best-sellers of its category, then of the one above it.</summary>
public sealed class ColdStartTests(ColdStartFixture store) : IClassFixture<ColdStartFixture>
{
    private readonly Lists lists = new(store);

    /// <summary>Published products of one category (not of those under it), from the end of the catalog, each given stock.</summary>
    private async Task<List<ShopFixture.TestProduct>> InCategoryAsync(int categoryId, int count)
    {
        var products = new List<ShopFixture.TestProduct>();
        await using (var connection = new NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT p.id, p.sku, p.slug, p.title, s.price FROM catalog.products p JOIN inventory.stock_items s ON s.sku = p.sku
                WHERE p.is_published AND p.category_id = @c ORDER BY p.sku DESC LIMIT @n
                """, connection);
            command.Parameters.AddWithValue("c", categoryId);
            command.Parameters.AddWithValue("n", count);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                products.Add(new ShopFixture.TestProduct(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4)));
        }
        Assert.Equal(count, products.Count);
        foreach (var p in products)
            Assert.True((await lists.With(sp => sp.GetRequiredService<IPricesAndStock>().SetOnHandAsync(p.Sku, 50, new StockChangeContext("test", "Test stock"), default))).Succeeded);
        return products;
    }

    /// <summary>A leaf category with at least <paramref name="products"/> products, and a sibling under the same parent with at least one.</summary>
    private async Task<(int Leaf, int Sibling, int Parent)> CategoriesAsync(int products)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH sizes AS (
                SELECT c.id, c.parent_id, count(p.id) AS n FROM catalog.categories c
                JOIN catalog.products p ON p.category_id = c.id AND p.is_published
                WHERE c.parent_id IS NOT NULL GROUP BY c.id, c.parent_id)
            SELECT a.id, b.id, a.parent_id FROM sizes a JOIN sizes b ON b.parent_id = a.parent_id AND b.id <> a.id
            WHERE a.n >= @n ORDER BY a.id DESC, b.id DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("n", products);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the demo catalog has two sibling categories with products");
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    [Fact]
    public async Task A_product_nobody_bought_with_anything_shows_its_category_best_sellers_then_the_parent_category_and_says_so()
    {
        var (leaf, sibling, _) = await CategoriesAsync(products: 3);
        var own = await InCategoryAsync(leaf, 3);
        var (lonely, topSeller, runnerUp) = (own[0], own[1], own[2]);
        var neighbour = (await InCategoryAsync(sibling, 1))[0];
        // Bought alone, by different customers: best-sellers, but no pairs.
        for (var i = 0; i < 3; i++) await Orders.PlaceAsync(store, Lists.Shopper("top"), topSeller);
        for (var i = 0; i < 2; i++) await Orders.PlaceAsync(store, Lists.Shopper("second"), runnerUp);
        for (var i = 0; i < 4; i++) await Orders.PlaceAsync(store, Lists.Shopper("next-door"), neighbour);
        await lists.RebuildAsync();

        var list = await lists.ListAsync(lonely.Sku);
        Assert.Equal(
            [(topSeller.Sku, RecommendationSources.Category), (runnerUp.Sku, RecommendationSources.Category), (neighbour.Sku, RecommendationSources.ParentCategory)],
            list.Select(i => (i.Sku, i.Source)));

        var page = await store.Client().GetDocumentAsync($"/p/{lonely.Slug}");
        Assert.Null(page.QuerySelector("section.also-bought")); // nobody bought anything with it: no such claim
        Assert.Null(page.QuerySelector("section.bought-together"));
        var popular = page.QuerySelector("section.popular-in-category")!;
        Assert.StartsWith("Popular in ", popular.QuerySelector("h2")!.TextContent, StringComparison.Ordinal);
        Assert.Equal([topSeller.Slug, runnerUp.Slug, neighbour.Slug],
            popular.QuerySelectorAll(".product-card a.product-link").Select(a => a.GetAttribute("href")![3..]));

        // A product created today gets its category's best-sellers at once, not after the nightly rebuild.
        var created = await lists.With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(
            new ProductInput("NEW-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), "Brand-new thing", "brand-new-thing-" + Guid.NewGuid().ToString("N")[..6],
                "Just in.", "Acme", leaf, new Dictionary<string, string>(), Published: true),
            new InitialStock(10m, 5), default));
        Assert.True(created.Errors.Count == 0, string.Join("; ", created.Errors.SelectMany(e => e.Value.Select(p => $"{e.Key}: {English.Of(p)}"))));
        var newSku = (await lists.With(sp => sp.GetRequiredService<ICatalogAdmin>().GetProductForEditAsync(created.Value, default)))!.Input.Sku;
        // A shopper looking before (or while) the product is placed must not keep it from being placed.
        await lists.ListAsync(newSku);
        await store.DrainOutboxAsync();
        Assert.Equal([topSeller.Sku, runnerUp.Sku, neighbour.Sku], (await lists.ListAsync(newSku)).Select(i => i.Sku));
    }

}
