using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Inventory;

/// <summary>Holds last one second here, so expiry can be watched happen.</summary>
public sealed class ShortHoldStoreFixture : StoreFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Inventory:Holds:HoldDuration"] = "00:00:01",
    };
}

public abstract class ReservationTestBase(StoreFixture store) : IAsyncLifetime
{
    protected StoreFixture Store => store;

    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("TRUNCATE inventory.reservations", connection);
        await command.ExecuteNonQueryAsync();
        using var scope = store.Services.CreateScope();
        var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
        await stock.EnsureSkuAsync(new SkuSeed("HOT-1", 999m, "USD", 100), default);
        await stock.EnsureSkuAsync(new SkuSeed("HOT-2", 5m, "USD", 10), default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected async Task<T> With<T>(Func<IStockReservations, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<IStockReservations>());
    }

    protected async Task<(int OnHand, int Reserved, long HeldInRows)> StateAsync(string sku)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT s.on_hand, s.reserved, coalesce((SELECT sum(quantity) FROM inventory.reservations r WHERE r.sku = s.sku AND r.status = 'active'), 0)
            FROM inventory.stock_items s WHERE s.sku = @sku
            """, connection);
        command.Parameters.AddWithValue("sku", sku);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }
}

public sealed class ReservationTests(StoreFixture store) : ReservationTestBase(store), IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Five_hundred_parallel_reservations_of_the_last_hundred_units_give_exactly_one_hundred_holds()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => With(r => r.ReserveAsync($"cart-{i}", "HOT-1", 1, default))));
        Assert.Equal(100, results.Count(r => r.Outcome == ReservationOutcome.Reserved));
        Assert.Equal(400, results.Count(r => r.Outcome == ReservationOutcome.NotEnoughStock));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("Sorry, this product is out of stock.", English.Of(r.Problem)));
        Assert.Equal((100, 100, 100L), await StateAsync("HOT-1"));
        Assert.Equal(0, (await With(r => r.AvailabilityAsync(["HOT-1"], default)))["HOT-1"]);
    }

    [Fact]
    public async Task Re_adding_adjusts_the_same_hold_and_too_much_changes_nothing()
    {
        Assert.Equal(ReservationOutcome.Reserved, (await With(r => r.ReserveAsync("cart-a", "HOT-2", 4, default))).Outcome);
        Assert.Equal(ReservationOutcome.Reserved, (await With(r => r.ReserveAsync("cart-a", "HOT-2", 6, default))).Outcome);
        Assert.Equal((10, 6, 6L), await StateAsync("HOT-2"));

        var tooMany = await With(r => r.ReserveAsync("cart-b", "HOT-2", 5, default));
        Assert.Equal((ReservationOutcome.NotEnoughStock, 4, "Sorry, only 4 left."), (tooMany.Outcome, tooMany.Available, English.Of(tooMany.Problem)));
        var grow = await With(r => r.ReserveAsync("cart-a", "HOT-2", 11, default));
        Assert.Equal((ReservationOutcome.NotEnoughStock, 6, 10), (grow.Outcome, grow.Held, grow.Available));
        Assert.Equal((10, 6, 6L), await StateAsync("HOT-2"));

        Assert.Equal(ReservationOutcome.Released, (await With(r => r.ReserveAsync("cart-a", "HOT-2", 0, default))).Outcome);
        Assert.Equal((10, 0, 0L), await StateAsync("HOT-2"));
    }

    [Theory]
    [InlineData("cart", "HOT-2", -1, ReservationOutcome.Invalid)]
    [InlineData("cart", "HOT-2", 100_000, ReservationOutcome.Invalid)]
    [InlineData("", "HOT-2", 1, ReservationOutcome.Invalid)]
    [InlineData("cart", "NO-SUCH-SKU", 1, ReservationOutcome.UnknownSku)]
    public async Task Bad_requests_are_refused_and_change_nothing(string holder, string sku, int quantity, ReservationOutcome expected)
    {
        Assert.Equal(expected, (await With(r => r.ReserveAsync(holder, sku, quantity, default))).Outcome);
        Assert.Equal((10, 0, 0L), await StateAsync("HOT-2"));
    }

    [Fact]
    public async Task Committing_takes_stock_for_good_once_and_releasing_twice_changes_nothing()
    {
        await With(r => r.ReserveAsync("cart-c", "HOT-2", 3, default));
        Assert.Equal(CommitOutcome.Committed, await With(r => r.CommitAsync("cart-c", "HOT-2", 3, "ORDER-1", default)));
        Assert.Equal(CommitOutcome.AlreadyCommitted, await With(r => r.CommitAsync("cart-c", "HOT-2", 3, "ORDER-1", default)));
        Assert.Equal((7, 0, 0L), await StateAsync("HOT-2"));
        Assert.False(await With(r => r.ReleaseAsync("cart-c", "HOT-2", default)));

        await With(r => r.ReserveAsync("cart-d", "HOT-2", 2, default));
        Assert.True(await With(r => r.ReleaseAsync("cart-d", "HOT-2", default)));
        Assert.False(await With(r => r.ReleaseAsync("cart-d", "HOT-2", default)));
        Assert.Equal(CommitOutcome.NoHold, await With(r => r.CommitAsync("cart-d", "HOT-2", 2, "ORDER-2", default)));
        Assert.Equal((7, 0, 0L), await StateAsync("HOT-2"));

        using var scope = Store.Services.CreateScope();
        var ledger = await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().LedgerAsync("HOT-2", 10, default);
        Assert.Equal((-3, 7, "Order", "ORDER-1"), (ledger[0].Delta, ledger[0].OnHandAfter, ledger[0].Reason, ledger[0].Reference));
    }

    [Fact]
    public async Task Committing_takes_exactly_the_priced_quantity_whatever_the_hold_became()
    {
        // The hold grew to 5 after 1 was priced and paid for: 1 is taken, the other 4 go back.
        await With(r => r.ReserveAsync("cart-grew", "HOT-2", 5, default));
        Assert.Equal(CommitOutcome.Committed, await With(r => r.CommitAsync("cart-grew", "HOT-2", 1, "ORDER-G", default)));
        Assert.Equal((9, 0, 0L), await StateAsync("HOT-2"));

        // The hold shrank to 1 after 3 were paid for: the 2 missing units come from free stock.
        await With(r => r.ReserveAsync("cart-shrank", "HOT-2", 1, default));
        Assert.Equal(CommitOutcome.Committed, await With(r => r.CommitAsync("cart-shrank", "HOT-2", 3, "ORDER-S", default)));
        Assert.Equal((6, 0, 0L), await StateAsync("HOT-2"));

        // Not enough free stock for the missing units: nothing is taken and the hold stays.
        await With(r => r.ReserveAsync("cart-short", "HOT-2", 1, default));
        await With(r => r.ReserveAsync("cart-other", "HOT-2", 5, default));
        Assert.Equal(CommitOutcome.NotEnoughStock, await With(r => r.CommitAsync("cart-short", "HOT-2", 3, "ORDER-X", default)));
        Assert.Equal((6, 6, 6L), await StateAsync("HOT-2"));
    }

    [Fact]
    public async Task A_storm_of_reserve_release_and_commit_keeps_reserved_equal_to_the_live_holds()
    {
        var random = new Random(7);
        var operations = Enumerable.Range(0, 300).Select(i => (Holder: $"cart-{random.Next(25)}", Kind: random.Next(4), Quantity: random.Next(0, 5), I: i)).ToList();
        await Task.WhenAll(operations.Select(op => With<object>(async r => op.Kind switch
        {
            0 or 1 => await r.ReserveAsync(op.Holder, "HOT-1", op.Quantity, default),
            2 => await r.ReleaseAsync(op.Holder, "HOT-1", default),
            _ => await r.CommitAsync(op.Holder, "HOT-1", Math.Max(1, op.Quantity), $"ORDER-{op.I}", default),
        })));
        var (onHand, reserved, held) = await StateAsync("HOT-1");
        Assert.Equal(held, reserved);
        Assert.InRange(reserved, 0, onHand);
        Assert.InRange(onHand, 0, 100);
    }
}

public sealed class HoldExpiryTests(ShortHoldStoreFixture store) : ReservationTestBase(store), IClassFixture<ShortHoldStoreFixture>
{
    [Fact]
    public async Task Expired_holds_stop_counting_at_once_and_the_job_gives_them_back()
    {
        await With(r => r.ReserveAsync("cart-x", "HOT-2", 7, default));
        Assert.Equal(3, (await With(r => r.AvailabilityAsync(["HOT-2"], default)))["HOT-2"]);
        await Task.Delay(1200);
        Assert.Equal(10, (await With(r => r.AvailabilityAsync(["HOT-2"], default)))["HOT-2"]);
        Assert.Empty(await With(r => r.HoldsAsync("HOT-2", default)));
        // Another shopper can take the expired units before the sweep runs.
        Assert.Equal(ReservationOutcome.Reserved, (await With(r => r.ReserveAsync("cart-y", "HOT-2", 10, default))).Outcome);
        Assert.Equal((10, 10, 10L), await StateAsync("HOT-2"));
        await Task.Delay(1200);
        Assert.Equal(1, await Store.Services.GetRequiredService<Storefront.Inventory.Jobs.ReleaseExpiredHoldsJob>().RunAsync(default));
        Assert.Equal((10, 0, 0L), await StateAsync("HOT-2"));
    }

    [Fact]
    public async Task A_shopper_coming_back_to_an_expired_hold_renews_it_unless_someone_took_the_units()
    {
        await With(r => r.ReserveAsync("cart-back", "HOT-2", 4, default));
        await Task.Delay(1200);
        // Nobody wanted them meanwhile: the same hold is renewed and changed, not doubled.
        var renewed = await With(r => r.ReserveAsync("cart-back", "HOT-2", 5, default));
        Assert.Equal((ReservationOutcome.Reserved, 5, 10), (renewed.Outcome, renewed.Held, renewed.Available));
        Assert.Equal((10, 5, 5L), await StateAsync("HOT-2"));
        Assert.Single(await With(r => r.HoldsAsync("HOT-2", default)));

        await Task.Delay(1200);
        Assert.True((await With(r => r.ReserveAsync("cart-other", "HOT-2", 8, default))).Succeeded);
        var late = await With(r => r.ReserveAsync("cart-back", "HOT-2", 5, default));
        Assert.Equal((ReservationOutcome.NotEnoughStock, 0, 2), (late.Outcome, late.Held, late.Available));
        Assert.Equal((10, 8, 8L), await StateAsync("HOT-2"));
    }
}
