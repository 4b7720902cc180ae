using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Catalog;

/// <summary>A store that sells in euros.</summary>
public sealed class EuroStoreFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Storefront:Currency"] = "EUR" };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(24);
    }
}

/// <summary>
/// A product is created with its price and stock as one operation: a shopper never finds it without
/// a price, whatever fails part-way, and the price is in the store's currency.
/// </summary>
public sealed class ProductCreationTests(EuroStoreFixture store) : IClassFixture<EuroStoreFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<ProductInput> InputAsync(string sku)
    {
        var shoes = await With(async sp => (await sp.GetRequiredService<ICatalogAdmin>().ListCategoriesAsync(default)).Single(c => c.Slug == "men-shoes").Id);
        return new(sku, "Harbour Walker Shoe", "harbour-walker-" + sku.ToLowerInvariant(), "Soft leather.", "Stride", shoes,
            new Dictionary<string, string> { ["shoe_size"] = "10" }, true);
    }

    private Task<IReadOnlyDictionary<string, ProductSummary>> ShopperSeesAsync(string sku) =>
        With(sp => sp.GetRequiredService<ICatalogQueries>().GetProductsBySkuAsync([sku], default));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_new_product_is_priced_in_the_configured_store_currency_with_its_stock()
    {
        var input = await InputAsync("EURO-1");
        var created = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(89.5m, 12), default));
        Assert.True(created.Succeeded);

        var stock = await With(sp => sp.GetRequiredService<IPricesAndStock>().GetAsync("EURO-1", default));
        Assert.Equal((new Money(89.5m, "EUR"), 12), (stock!.Price, stock.OnHand));
        // The shopper's listing has the price from the start, not once Inventory's event arrives.
        Assert.Equal(new Money(89.5m, "EUR"), (await ShopperSeesAsync("EURO-1"))["EURO-1"].Price);
    }

    [Fact]
    public async Task A_failure_after_the_price_and_before_the_product_leaves_no_product_and_a_retry_completes_it()
    {
        var input = await InputAsync("HALF-1");
        // The catalog's write fails after Inventory has committed the price and stock.
        await ExecuteAsync("""
            CREATE FUNCTION catalog.fail_half_1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
            CREATE TRIGGER fail_half_1 BEFORE INSERT ON catalog.products FOR EACH ROW WHEN (NEW.sku = 'HALF-1') EXECUTE FUNCTION catalog.fail_half_1();
            """);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() =>
                With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(20m, 5), default)));
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER fail_half_1 ON catalog.products; DROP FUNCTION catalog.fail_half_1();");
        }
        Assert.False(await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.AnyAsync(p => p.Sku == "HALF-1")));
        Assert.Empty(await ShopperSeesAsync("HALF-1"));

        // Tried again with a corrected price: the product is made with that price and stock.
        var retried = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(25m, 7), default));
        Assert.True(retried.Succeeded);
        // Read from the stock rows themselves: GetAsync is the 2-second display cache, which a read
        // started before the retry's commit may have filled with the first attempt's price.
        var stock = (await With(sp => sp.GetRequiredService<IPricesAndStock>().GetManyAsync(["HALF-1"], default)))["HALF-1"];
        Assert.Equal((new Money(25m, "EUR"), 7), (stock!.Price, stock.OnHand));
        // Inventory announced both prices, the failed attempt's first; once both are delivered (in
        // that order) the shopper's listing has the retry's.
        await store.DrainOutboxAsync();
        Assert.Equal(new Money(25m, "EUR"), (await ShopperSeesAsync("HALF-1"))["HALF-1"].Price);
    }

    [Fact]
    public async Task The_same_product_created_many_times_at_once_is_made_once_with_its_price()
    {
        var input = await InputAsync("TWIN-1");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(30m, 9), default)))));

        Assert.Single(results, r => r.Succeeded);
        // Each twin is told the product exists: by its SKU, or by its slug when the first one
        // committed between those two checks.
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Errors, e => e.Key is "Sku" or "Slug"
            && English.Words.Of(e.Value.Single()).StartsWith("Another product already uses this", StringComparison.Ordinal)));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.True(r.Errors.Keys.All(k => k is "Sku" or "Slug")));
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.CountAsync(p => p.Sku == "TWIN-1")));
        var stock = await With(sp => sp.GetRequiredService<IPricesAndStock>().GetAsync("TWIN-1", default));
        Assert.Equal((new Money(30m, "EUR"), 9), (stock!.Price, stock.OnHand));
    }

    [Fact]
    public async Task A_bad_price_or_stock_creates_nothing_anywhere()
    {
        var input = await InputAsync("BAD-PRICE-1");
        var result = await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(1.999m, 3), default));
        Assert.Equal(["Price"], result.Errors.Keys);
        Assert.Null(await With(sp => sp.GetRequiredService<IPricesAndStock>().GetAsync("BAD-PRICE-1", default)));
        Assert.False(await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.AnyAsync(p => p.Sku == "BAD-PRICE-1")));
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("DOLLARS")]
    [InlineData("")]
    public async Task A_store_currency_that_is_not_an_ISO_code_stops_the_start(string currency)
    {
        await using var factory = new StorefrontFactory(store.ConnectionString, store.RedisConnectionString,
            new Dictionary<string, string?> { ["Storefront:Currency"] = currency });
        var failure = Assert.ThrowsAny<Exception>(() => factory.Services);
        Assert.Contains("Storefront:Currency must be a three-letter ISO 4217 code", failure.ToString(), StringComparison.Ordinal);
    }
}
