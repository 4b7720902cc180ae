using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Cart;

/// <summary>The default per-cart share (a quarter of on-hand), and small client limits so that tests can reach them.</summary>
public sealed class HoldsPolicyStoreFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cart:WriteBehindEnabled"] = "false",
        ["Cart:ClientHolds:MaxCarts"] = "5",
        ["Cart:ClientHolds:MaxUnits"] = "40",
        ["Cart:ClientHolds:MaxLimitedLines"] = "3",
    };
}

public sealed class HoldsPolicyTests(HoldsPolicyStoreFixture store) : IClassFixture<HoldsPolicyStoreFixture>, IAsyncLifetime
{
    private static readonly CartClient Attacker = new(IPAddress.Parse("203.0.113.7"));
    private static readonly CartClient Neighbour = new(IPAddress.Parse("198.51.100.20"));

    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        using var scope = store.Services.CreateScope();
        var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
        await stock.EnsureSkuAsync(new SkuSeed("LAST-4", 30m, "USD", 4), default);
        await stock.EnsureSkuAsync(new SkuSeed("FEW-8", 12m, "USD", 8), default);
        await stock.EnsureSkuAsync(new SkuSeed("PLENTY", 5m, "USD", 1000), default);
        foreach (var sku in new[] { "LOW-A", "LOW-B", "LOW-C", "LOW-D" })
            await stock.EnsureSkuAsync(new SkuSeed(sku, 9m, "USD", 10), default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> Carts<T>(Func<ICarts, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<ICarts>());
    }

    private Task<CartChangeResult> AddAsync(Guid cart, string sku, int quantity, CartClient client) =>
        Carts(c => c.AddAsync(cart, sku, quantity, client, default));

    private async Task<int> AvailableAsync(string sku)
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IStockReservations>().AvailabilityAsync([sku], default))[sku];
    }

    /// <summary>Many new carts from one client at once, each adding <paramref name="quantity"/>; how many got it.</summary>
    private async Task<CartChangeResult[]> ParallelNewCartsAsync(int carts, string sku, int quantity, CartClient client) =>
        await Task.WhenAll(Enumerable.Range(0, carts).Select(_ => Task.Run(() => AddAsync(Guid.NewGuid(), sku, quantity, client))));

    [Fact]
    public async Task One_request_for_the_last_four_holds_nothing_and_the_next_shopper_can_still_buy()
    {
        var greedy = Guid.NewGuid();
        var refused = await AddAsync(greedy, "LAST-4", 4, Attacker);
        Assert.Equal(CartChangeOutcome.LimitReached, refused.Outcome);
        Assert.Equal("You can hold at most 1 of this item while stock is limited.", English.Of(refused.Problem));
        Assert.Equal(1, refused.Available);
        Assert.Equal(4, await AvailableAsync("LAST-4"));
        Assert.Empty((await Carts(c => c.GetAsync(greedy, default))).Lines);

        Assert.Equal(CartChangeOutcome.Changed, (await AddAsync(Guid.NewGuid(), "LAST-4", 1, Neighbour)).Outcome);
        // The capped shopper can still buy up to the cap, and is told so when asking for more.
        Assert.Equal(CartChangeOutcome.Changed, (await AddAsync(greedy, "LAST-4", 1, Attacker)).Outcome);
        var more = await AddAsync(greedy, "LAST-4", 1, Attacker);
        Assert.Equal(CartChangeOutcome.LimitReached, more.Outcome);
        Assert.Equal("You can hold at most 1 of this item while stock is limited. Your cart already has 1.", English.Of(more.Problem));
        Assert.Equal(2, await AvailableAsync("LAST-4"));
    }

    [Fact]
    public async Task A_shopper_adding_two_of_a_plentiful_product_is_unaffected()
    {
        var cart = Guid.NewGuid();
        Assert.Equal(CartChangeOutcome.Changed, (await AddAsync(cart, "PLENTY", 2, Neighbour)).Outcome);
        // Eight on hand is enough for two: a quarter of it.
        Assert.Equal(CartChangeOutcome.Changed, (await AddAsync(cart, "FEW-8", 2, Neighbour)).Outcome);
        var lines = (await Carts(c => c.GetAsync(cart, default))).Lines;
        Assert.Equal([("FEW-8", 2), ("PLENTY", 2)], lines.Select(l => (l.Sku, l.Quantity)));
    }

    [Fact]
    public async Task Parallel_adds_to_one_cart_stop_exactly_at_its_share()
    {
        var cart = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => AddAsync(cart, "FEW-8", 1, CartClient.Unknown))));
        Assert.Equal(2, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(CartChangeOutcome.LimitReached, r.Outcome));
        Assert.Equal(2, (await Carts(c => c.GetAsync(cart, default))).Line("FEW-8")!.Quantity);
        Assert.Equal(6, await AvailableAsync("FEW-8"));
    }

    [Fact]
    public async Task Many_new_carts_from_one_address_hold_at_most_half_of_a_scarce_product()
    {
        var results = await ParallelNewCartsAsync(30, "LAST-4", 1, Attacker);
        Assert.Equal(2, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r =>
            Assert.Equal("Carts from your network already hold as many of this item as we allow while stock is limited.", English.Of(r.Problem)));
        Assert.Equal(2, await AvailableAsync("LAST-4"));
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, Neighbour)).Succeeded);
    }

    [Fact]
    public async Task Many_new_carts_from_one_address_stop_exactly_at_the_carts_limit()
    {
        var results = await ParallelNewCartsAsync(30, "PLENTY", 1, Attacker);
        Assert.Equal(5, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r =>
        {
            Assert.Equal(CartChangeOutcome.LimitReached, r.Outcome);
            Assert.StartsWith("Too many carts from your network are holding stock right now.", English.Of(r.Problem), StringComparison.Ordinal);
        });
        Assert.Equal(995, await AvailableAsync("PLENTY"));
        Assert.True((await AddAsync(Guid.NewGuid(), "PLENTY", 1, Neighbour)).Succeeded);
    }

    [Fact]
    public async Task Units_held_by_one_address_stop_exactly_at_the_units_limit()
    {
        var results = await ParallelNewCartsAsync(5, "PLENTY", 10, Attacker);
        Assert.Equal(4, results.Count(r => r.Succeeded));
        Assert.Equal("Carts from your network already hold 40 items, the most we allow at once. Remove some, or try again in a few minutes.",
            English.Of(Assert.Single(results, r => !r.Succeeded).Problem));
        Assert.Equal(960, await AvailableAsync("PLENTY"));
    }

    [Fact]
    public async Task Lines_of_limited_stock_held_by_one_address_stop_at_their_limit_while_plentiful_ones_go_on()
    {
        var cart = Guid.NewGuid();
        foreach (var sku in new[] { "LOW-A", "LOW-B", "LOW-C" }) Assert.True((await AddAsync(cart, sku, 1, Attacker)).Succeeded);
        var fourth = await AddAsync(Guid.NewGuid(), "LOW-D", 1, Attacker);
        Assert.Equal(CartChangeOutcome.LimitReached, fourth.Outcome);
        Assert.Contains("3 products whose stock is limited", English.Of(fourth.Problem), StringComparison.Ordinal);
        // Growing a line already held is not another line.
        Assert.True((await AddAsync(cart, "LOW-A", 1, Attacker)).Succeeded);
        Assert.True((await AddAsync(cart, "PLENTY", 1, Attacker)).Succeeded);
    }

    [Fact]
    public async Task Giving_holds_back_gives_the_address_its_allowance_back()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.True((await AddAsync(first, "LAST-4", 1, Attacker)).Succeeded);
        Assert.True((await AddAsync(second, "LAST-4", 1, Attacker)).Succeeded);
        Assert.False((await AddAsync(Guid.NewGuid(), "LAST-4", 1, Attacker)).Succeeded);

        Assert.True((await Carts(c => c.RemoveAsync(first, "LAST-4", default))).Succeeded);
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, Attacker)).Succeeded);
        // A cart emptied by an order (holds taken, not released) stops counting too.
        await Carts(async c => { await c.ClearAsync(second, releaseHolds: false, default); return 0; });
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, Attacker)).Succeeded);
    }

    [Fact]
    public async Task A_cart_counts_against_the_address_that_started_it()
    {
        var cart = Guid.NewGuid();
        Assert.True((await AddAsync(cart, "PLENTY", 30, Attacker)).Succeeded);
        Assert.True((await AddAsync(Guid.NewGuid(), "PLENTY", 10, Attacker)).Succeeded);
        // The same cart used from another address is still the first address's cart, which holds its 40 units.
        var moved = await AddAsync(cart, "PLENTY", 1, Neighbour);
        Assert.Equal(CartChangeOutcome.LimitReached, moved.Outcome);
        Assert.StartsWith("Carts from your network already hold 40 items", English.Of(moved.Problem), StringComparison.Ordinal);
        Assert.True((await AddAsync(Guid.NewGuid(), "PLENTY", 1, Neighbour)).Succeeded);
    }

    [Fact]
    public async Task IPv6_addresses_in_one_64_prefix_share_one_allowance()
    {
        var one = new CartClient(IPAddress.Parse("2001:db8:1:2::10"));
        var two = new CartClient(IPAddress.Parse("2001:db8:1:2:ffff::99"));
        var elsewhere = new CartClient(IPAddress.Parse("2001:db8:1:3::10"));
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, one)).Succeeded);
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, two)).Succeeded);
        Assert.Equal(CartChangeOutcome.LimitReached, (await AddAsync(Guid.NewGuid(), "LAST-4", 1, one)).Outcome);
        Assert.True((await AddAsync(Guid.NewGuid(), "LAST-4", 1, elsewhere)).Succeeded);
    }

    [Fact]
    public async Task Signing_in_keeps_a_merged_line_to_one_carts_share_and_says_so()
    {
        var mine = await Carts(c => c.CartOfUserAsync("user-share", default));
        Assert.True((await AddAsync(mine, "FEW-8", 1, Neighbour)).Succeeded);
        var anonymous = Guid.NewGuid();
        Assert.True((await AddAsync(anonymous, "FEW-8", 2, Neighbour)).Succeeded);

        var merged = await Carts(c => c.MergeAsync(anonymous, mine, Neighbour, default));
        var line = Assert.Single(merged.Lines);
        Assert.Equal((3, 2), (line.Wanted, line.Got));
        Assert.Equal("Only 2 could be kept in your cart while stock is limited.", English.Of(line.Problem));
        Assert.Equal(2, (await Carts(c => c.GetAsync(mine, default))).Line("FEW-8")!.Quantity);
        Assert.Equal(6, await AvailableAsync("FEW-8"));
    }
}
