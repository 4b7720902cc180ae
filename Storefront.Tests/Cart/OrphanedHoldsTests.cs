using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using Storefront.Cart.Contracts;
using Storefront.Cart.Jobs;
using Storefront.Cart.Storage;

namespace Storefront.Tests.Cart;

/// <summary>
/// Holds run out by themselves, but until then the stock of a cart nobody opens again is held for
/// nobody. The job gives back the holds of carts that are gone or expired and of lines a cart lost.
/// </summary>
public sealed class OrphanedHoldsTests(ManualFlushStoreFixture store) : CartTestBase(store), IClassFixture<ManualFlushStoreFixture>
{
    private Task<int> RunJobAsync() => Store.Services.GetRequiredService<ReleaseOrphanedHoldsJob>().RunAsync(default);

    private IDatabase Redis => Store.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private async Task<Guid> CartWithAsync(params (string Sku, int Quantity)[] lines)
    {
        var cart = await Carts(c => c.StartAsync(default));
        foreach (var (sku, quantity) in lines) Assert.True((await Carts(c => c.AddAsync(cart, sku, quantity, default))).Succeeded);
        return cart;
    }

    [Fact]
    public async Task A_live_hold_whose_cart_line_is_gone_is_released_and_the_other_lines_keep_theirs()
    {
        var cart = await CartWithAsync(("MUG-1", 2), ("TEE-1", 1));
        var healthy = await CartWithAsync(("CAP-1", 4));
        // The line is gone from the cart while its hold is still live.
        await Redis.HashDeleteAsync(RedisCartStore.LinesKey(cart), "TEE-1");

        Assert.Equal(1, await RunJobAsync());

        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 2 }, await HoldsAsync(cart));
        Assert.Equal(3, await AvailableAsync("TEE-1"));
        Assert.Equal(new Dictionary<string, int> { ["CAP-1"] = 4 }, await HoldsAsync(healthy));
        Assert.Equal(0, await RunJobAsync());
    }

    [Fact]
    public async Task The_holds_of_a_cart_that_no_longer_exists_anywhere_are_released_without_bringing_it_back()
    {
        var cart = await CartWithAsync(("MUG-1", 2), ("TEE-1", 1));
        await Redis.KeyDeleteAsync([RedisCartStore.LinesKey(cart), RedisCartStore.MetaKey(cart)]);

        Assert.Equal(2, await RunJobAsync());

        Assert.Empty(await HoldsAsync(cart));
        Assert.Equal((10, 3), (await AvailableAsync("MUG-1"), await AvailableAsync("TEE-1")));
        Assert.False(await Redis.KeyExistsAsync(RedisCartStore.MetaKey(cart)));
    }

    [Fact]
    public async Task An_expired_cart_loses_its_holds_while_one_Redis_lost_keeps_those_of_its_stored_lines()
    {
        var expired = await CartWithAsync(("MUG-1", 2));
        var lost = await CartWithAsync(("TEE-1", 1));
        await Carts(async c => { await c.FlushAsync(expired, default); await c.FlushAsync(lost, default); return true; });
        // Added after the last write: gone with Redis.
        Assert.True((await Carts(c => c.AddAsync(lost, "CAP-1", 5, default))).Succeeded);
        await FlushRedisAsync();
        await using (var connection = new NpgsqlConnection(Store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE cart.carts SET updated_at = now() - interval '31 days' WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", expired);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(2, await RunJobAsync());

        Assert.Empty(await HoldsAsync(expired));
        Assert.Equal(new Dictionary<string, int> { ["TEE-1"] = 1 }, await HoldsAsync(lost));
        Assert.Equal(1000, await AvailableAsync("CAP-1"));
    }

    [Fact]
    public async Task A_cart_whose_order_is_being_placed_is_left_to_its_checkout()
    {
        var cart = await CartWithAsync(("MUG-1", 2));
        Assert.True(await Carts(c => c.FreezeAsync(cart, Guid.NewGuid(), TimeSpan.FromMinutes(1), default)));
        await Redis.HashDeleteAsync(RedisCartStore.LinesKey(cart), "MUG-1");

        Assert.Equal(0, await RunJobAsync());
        Assert.Equal(new Dictionary<string, int> { ["MUG-1"] = 2 }, await HoldsAsync(cart));
    }
}
