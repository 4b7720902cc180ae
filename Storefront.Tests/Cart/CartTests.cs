using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Cart;
using Storefront.Cart.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Cart;

/// <summary>
/// Write-behind off: the tests decide when carts reach PostgreSQL. These tests are about carts and
/// their holds, so one cart may hold all of a product here; the holds policy has its own tests
/// (<see cref="HoldsPolicyTests"/>).
/// </summary>
public sealed class ManualFlushStoreFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cart:WriteBehindEnabled"] = "false",
        ["Inventory:Holds:MaxShareOfStock"] = "1",
    };
}

public abstract class CartTestBase(StoreFixture store) : IAsyncLifetime
{
    protected StoreFixture Store => store;

    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        using var scope = store.Services.CreateScope();
        var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
        await stock.EnsureSkuAsync(new SkuSeed("MUG-1", 12m, "USD", 10), default);
        await stock.EnsureSkuAsync(new SkuSeed("TEE-1", 20m, "USD", 3), default);
        await stock.EnsureSkuAsync(new SkuSeed("CAP-1", 15m, "USD", 1000), default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected async Task<T> Carts<T>(Func<ICarts, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<ICarts>());
    }

    protected async Task<IReadOnlyDictionary<string, int>> HoldsAsync(Guid cart)
    {
        using var scope = store.Services.CreateScope();
        var holds = await scope.ServiceProvider.GetRequiredService<IStockReservations>().HoldsOfAsync(CartHolds.HolderOf(cart), default);
        return holds.ToDictionary(h => h.Key, h => h.Value.Quantity);
    }

    protected async Task<int> AvailableAsync(string sku)
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IStockReservations>().AvailabilityAsync([sku], default))[sku];
    }

    /// <summary>The lines of the durable copy in PostgreSQL.</summary>
    protected async Task<Dictionary<string, int>> StoredLinesAsync(Guid cart)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sku, quantity FROM cart.cart_lines WHERE cart_id = @id", connection);
        command.Parameters.AddWithValue("id", cart);
        var lines = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines[reader.GetString(0)] = reader.GetInt32(1);
        return lines;
    }

    protected Task FlushRedisAsync() => store.FlushRedisAsync();

    protected Task<int> WriteBehindPassAsync() =>
        store.Services.GetRequiredService<CartWriteBehind>().FlushDirtyAsync(default);
}

public sealed class CartTests(ManualFlushStoreFixture store) : CartTestBase(store), IClassFixture<ManualFlushStoreFixture>
{
    [Fact]
    public async Task Adding_holds_the_stock_and_records_the_price_the_shopper_saw()
    {
        var cart = Guid.NewGuid();
        var added = await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        Assert.Equal(CartChangeOutcome.Changed, added.Outcome);
        added = await Carts(c => c.AddAsync(cart, "MUG-1", 1, default));
        Assert.Equal(3, added.Quantity);

        var snapshot = await Carts(c => c.GetAsync(cart, default));
        var line = Assert.Single(snapshot.Lines);
        Assert.Equal(("MUG-1", 3), (line.Sku, line.Quantity));
        Assert.Equal(12m, line.PriceWhenAdded!.Value.Amount);
        Assert.Equal(3, (await HoldsAsync(cart))["MUG-1"]);
        Assert.Equal(7, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task A_shopper_who_cannot_get_the_stock_is_told_why_and_nothing_changes()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "TEE-1", 2, default));
        var refused = await Carts(c => c.AddAsync(cart, "TEE-1", 2, default));
        Assert.Equal(CartChangeOutcome.NotEnoughStock, refused.Outcome);
        Assert.Equal(3, refused.Available);
        Assert.Contains("only 3 available", English.Of(refused.Problem), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, (await Carts(c => c.GetAsync(cart, default))).Line("TEE-1")!.Quantity);
        Assert.Equal(2, (await HoldsAsync(cart))["TEE-1"]);

        var other = Guid.NewGuid();
        var second = await Carts(c => c.AddAsync(other, "TEE-1", 2, default));
        Assert.Equal(CartChangeOutcome.NotEnoughStock, second.Outcome);
        Assert.Equal("Sorry, only 1 left.", English.Of(second.Problem));
        Assert.Empty((await Carts(c => c.GetAsync(other, default))).Lines);
    }

    [Theory]
    [InlineData("MUG-1", 0)]
    [InlineData("MUG-1", -1)]
    [InlineData("MUG-1", 100)]
    [InlineData("MUG-1", int.MaxValue)]
    [InlineData("NO-SUCH-SKU", 1)]
    [InlineData("", 1)]
    public async Task Bad_quantities_and_unknown_products_change_nothing(string sku, int quantity)
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "CAP-1", 1, default));
        var result = await Carts(c => c.AddAsync(cart, sku, quantity, default));
        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrEmpty(English.Of(result.Problem)));
        var snapshot = await Carts(c => c.GetAsync(cart, default));
        Assert.Equal([("CAP-1", 1)], snapshot.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(10, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task Changing_and_removing_lines_moves_the_hold_with_them()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 4, default));
        Assert.Equal(CartChangeOutcome.Changed, (await Carts(c => c.SetQuantityAsync(cart, "MUG-1", 1, default))).Outcome);
        Assert.Equal(9, await AvailableAsync("MUG-1"));
        Assert.Equal(CartChangeOutcome.Changed, (await Carts(c => c.RemoveAsync(cart, "MUG-1", default))).Outcome);
        Assert.Equal(10, await AvailableAsync("MUG-1"));
        Assert.Empty((await Carts(c => c.GetAsync(cart, default))).Lines);

        // A stale form (the line went in another tab) is told so and does not bring the line back.
        var stale = await Carts(c => c.SetQuantityAsync(cart, "MUG-1", 3, default));
        Assert.Equal(CartChangeOutcome.NotInCart, stale.Outcome);
        Assert.Empty((await Carts(c => c.GetAsync(cart, default))).Lines);
        Assert.Equal(10, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task Parallel_adds_to_one_cart_keep_the_line_and_its_hold_equal()
    {
        var cart = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Carts(c => c.AddAsync(cart, "CAP-1", 1, default)))));
        var added = results.Count(r => r.Succeeded);
        Assert.Equal(20, added);
        var line = (await Carts(c => c.GetAsync(cart, default))).Line("CAP-1")!;
        Assert.Equal(20, line.Quantity);
        Assert.Equal(20, (await HoldsAsync(cart))["CAP-1"]);
        Assert.Equal(980, await AvailableAsync("CAP-1"));
    }

    [Fact]
    public async Task A_cart_comes_back_after_Redis_is_flushed_in_the_middle_of_a_session()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        await Carts(c => c.AddAsync(cart, "TEE-1", 1, default));
        Assert.True(await WriteBehindPassAsync() >= 1);
        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 2, ["TEE-1"] = 1 }, await StoredLinesAsync(cart));

        await FlushRedisAsync();

        var restored = await Carts(c => c.GetAsync(cart, default));
        Assert.Equal([("MUG-1", 2), ("TEE-1", 1)], restored.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(12m, restored.Line("MUG-1")!.PriceWhenAdded!.Value.Amount);
        // The session carries on: the restored cart takes changes and they reach PostgreSQL again.
        Assert.True((await Carts(c => c.AddAsync(cart, "MUG-1", 1, default))).Succeeded);
        await WriteBehindPassAsync();
        Assert.Equal(3, (await StoredLinesAsync(cart))["MUG-1"]);
        Assert.Equal(3, (await HoldsAsync(cart))["MUG-1"]);
    }

    [Fact]
    public async Task A_cart_Redis_lost_before_its_first_write_comes_back_empty_not_broken()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        await FlushRedisAsync();
        Assert.Empty((await Carts(c => c.GetAsync(cart, default))).Lines);
        Assert.True((await Carts(c => c.AddAsync(cart, "MUG-1", 1, default))).Succeeded);
        // The hold it had is adjusted, not doubled: the cart holds what it shows.
        Assert.Equal(1, (await HoldsAsync(cart))["MUG-1"]);
    }

    [Fact]
    public async Task The_durable_copy_never_goes_back_to_an_older_version()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 1, default));
        var old = await Carts(c => c.GetAsync(cart, default));
        await Carts(c => c.AddAsync(cart, "MUG-1", 4, default));
        await Carts(async c => { await c.FlushAsync(cart, default); return 0; });

        using var scope = Store.Services.CreateScope();
        var durable = scope.ServiceProvider.GetRequiredService<Storefront.Cart.Storage.PostgresCartStore>();
        Assert.False(await durable.SaveAsync(old, default));
        Assert.Equal(5, (await StoredLinesAsync(cart))["MUG-1"]);
    }

    [Fact]
    public async Task A_write_behind_pass_writes_every_changed_cart_once_and_leaves_none_dirty()
    {
        var carts = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();
        foreach (var cart in carts) await Carts(c => c.AddAsync(cart, "CAP-1", 1, default));
        Assert.Equal(30, await WriteBehindPassAsync());
        Assert.Equal(0, await WriteBehindPassAsync());
        foreach (var cart in carts) Assert.Equal(1, (await StoredLinesAsync(cart))["CAP-1"]);
    }

    [Fact]
    public async Task Signing_in_adds_the_anonymous_cart_to_the_shoppers_own_capped_by_stock()
    {
        var mine = await Carts(c => c.CartOfUserAsync("user-merge-1", default));
        Assert.Equal(mine, await Carts(c => c.CartOfUserAsync("user-merge-1", default)));
        await Carts(c => c.AddAsync(mine, "MUG-1", 2, default));
        await Carts(c => c.AddAsync(mine, "TEE-1", 2, default));

        var anonymous = Guid.NewGuid();
        await Carts(c => c.AddAsync(anonymous, "MUG-1", 3, default));
        await Carts(c => c.AddAsync(anonymous, "TEE-1", 1, default));
        await Carts(c => c.AddAsync(anonymous, "CAP-1", 98, default));
        // All three tees are held now: two by the shopper's cart and one by the anonymous cart.
        var merged = await Carts(c => c.MergeAsync(anonymous, mine, default));

        var cart = await Carts(c => c.GetAsync(mine, default));
        Assert.Equal(5, cart.Line("MUG-1")!.Quantity);
        Assert.Equal(3, cart.Line("TEE-1")!.Quantity);
        Assert.Equal(98, cart.Line("CAP-1")!.Quantity);
        Assert.Empty(merged.Shortfalls);
        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 5, ["TEE-1"] = 3, ["CAP-1"] = 98 }, await HoldsAsync(mine));
        Assert.Empty(await HoldsAsync(anonymous));
        Assert.Empty((await Carts(c => c.GetAsync(anonymous, default))).Lines);
        // Saved at once, not at the next write-behind pass.
        Assert.Equal(5, (await StoredLinesAsync(mine))["MUG-1"]);
    }

    [Fact]
    public async Task A_merge_keeps_what_stock_and_the_per_line_maximum_allow_and_says_so()
    {
        var mine = await Carts(c => c.CartOfUserAsync("user-merge-2", default));
        await Carts(c => c.AddAsync(mine, "TEE-1", 2, default));
        await Carts(c => c.AddAsync(mine, "CAP-1", 60, default));
        var anonymous = Guid.NewGuid();
        await Carts(c => c.AddAsync(anonymous, "TEE-1", 1, default));
        await Carts(c => c.AddAsync(anonymous, "CAP-1", 60, default));
        // The anonymous cart's hold on the last tee runs out and another shopper takes that tee.
        using (var scope = Store.Services.CreateScope())
        {
            var holds = scope.ServiceProvider.GetRequiredService<IStockReservations>();
            await holds.ReleaseAsync(CartHolds.HolderOf(anonymous), "TEE-1", default);
            Assert.True((await holds.ReserveAsync("someone-else", "TEE-1", 1, default)).Succeeded);
        }

        var merged = await Carts(c => c.MergeAsync(anonymous, mine, default));
        var cart = await Carts(c => c.GetAsync(mine, default));
        Assert.Equal(2, cart.Line("TEE-1")!.Quantity);
        Assert.Equal(99, cart.Line("CAP-1")!.Quantity);
        var tee = merged.Lines.Single(l => l.Sku == "TEE-1");
        Assert.Equal((3, 2), (tee.Wanted, tee.Got));
        Assert.Equal("Only 2 could be kept in your cart.", English.Of(tee.Problem));
        Assert.Equal(2, (await HoldsAsync(mine))["TEE-1"]);
        Assert.Equal(99, (await HoldsAsync(mine))["CAP-1"]);
    }

    [Fact]
    public async Task Clearing_a_cart_after_an_order_empties_it_everywhere()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        await Carts(async c => { await c.ClearAsync(cart, releaseHolds: true, default); return 0; });
        Assert.Empty((await Carts(c => c.GetAsync(cart, default))).Lines);
        Assert.Empty(await StoredLinesAsync(cart));
        Assert.Equal(10, await AvailableAsync("MUG-1"));
    }
}

/// <summary>The "max" merge rule, and write-behind running on its own every second.</summary>
public sealed class MaxMergeStoreFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cart:MergeRule"] = "Max",
        ["Cart:WriteBehindInterval"] = "00:00:01",
        ["Inventory:Holds:MaxShareOfStock"] = "1",
    };
}

public sealed class CartMergeRuleTests(MaxMergeStoreFixture store) : CartTestBase(store), IClassFixture<MaxMergeStoreFixture>
{
    [Fact]
    public async Task With_the_max_rule_the_larger_quantity_wins()
    {
        var mine = await Carts(c => c.CartOfUserAsync("user-max", default));
        await Carts(c => c.AddAsync(mine, "MUG-1", 2, default));
        var anonymous = Guid.NewGuid();
        await Carts(c => c.AddAsync(anonymous, "MUG-1", 3, default));
        await Carts(c => c.MergeAsync(anonymous, mine, default));
        Assert.Equal(3, (await Carts(c => c.GetAsync(mine, default))).Line("MUG-1")!.Quantity);
        Assert.Equal(3, (await HoldsAsync(mine))["MUG-1"]);
        Assert.Equal(7, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task The_background_write_behind_saves_a_change_without_being_asked()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "CAP-1", 7, default));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await StoredLinesAsync(cart)).ContainsKey("CAP-1")) await Task.Delay(100);
        Assert.Equal(7, (await StoredLinesAsync(cart))["CAP-1"]);
    }
}
