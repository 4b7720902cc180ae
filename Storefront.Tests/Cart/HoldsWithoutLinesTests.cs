using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Cart;

/// <summary>
/// Redis loses its data (a restart without persistence) while carts hold stock in PostgreSQL: the
/// lines added since the last write-behind are gone, and so must their holds be, or that stock stays
/// held for nobody until the holds expire.
/// </summary>
public sealed class HoldsWithoutLinesTests(ManualFlushStoreFixture store) : CartTestBase(store), IClassFixture<ManualFlushStoreFixture>
{
    [Fact]
    public async Task A_line_lost_with_Redis_gives_its_hold_back_when_the_cart_is_restored()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        await WriteBehindPassAsync();
        // Added inside the write-behind window: Redis has it, PostgreSQL not yet.
        await Carts(c => c.AddAsync(cart, "TEE-1", 1, default));
        Assert.Equal(2, await AvailableAsync("TEE-1"));

        await FlushRedisAsync();

        var restored = await Carts(c => c.GetAsync(cart, default));
        Assert.Equal([("MUG-1", 2)], restored.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 2 }, await HoldsAsync(cart));
        Assert.Equal(3, await AvailableAsync("TEE-1"));
        Assert.Equal(8, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task A_line_grown_after_the_last_write_holds_only_what_the_restored_cart_shows()
    {
        var cart = Guid.NewGuid();
        await Carts(c => c.AddAsync(cart, "MUG-1", 2, default));
        await WriteBehindPassAsync();
        await Carts(c => c.AddAsync(cart, "MUG-1", 3, default));
        Assert.Equal(5, (await HoldsAsync(cart))["MUG-1"]);

        await FlushRedisAsync();

        Assert.Equal(2, (await Carts(c => c.GetAsync(cart, default))).Line("MUG-1")!.Quantity);
        Assert.Equal(2, (await HoldsAsync(cart))["MUG-1"]);
        Assert.Equal(8, await AvailableAsync("MUG-1"));
    }

    [Fact]
    public async Task A_cart_lost_before_its_first_write_holds_nothing_once_it_is_read_or_changed()
    {
        var read = Guid.NewGuid();
        var changed = Guid.NewGuid();
        await Carts(c => c.AddAsync(read, "MUG-1", 2, default));
        await Carts(c => c.AddAsync(changed, "TEE-1", 2, default));

        await FlushRedisAsync();

        Assert.Empty((await Carts(c => c.GetAsync(read, default))).Lines);
        Assert.Empty(await HoldsAsync(read));
        // The first touch after the loss is a change: the lost line's hold goes, the new line's stays.
        Assert.True((await Carts(c => c.AddAsync(changed, "MUG-1", 1, default))).Succeeded);
        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 1 }, await HoldsAsync(changed));
        Assert.Equal(3, await AvailableAsync("TEE-1"));
        Assert.Equal(9, await AvailableAsync("MUG-1"));
    }
}
