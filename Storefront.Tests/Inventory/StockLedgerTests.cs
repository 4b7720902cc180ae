using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Inventory;

public sealed class StockLedgerTests(StoreFixture store) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        using var scope = store.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed("LEDGER-1", 10m, "USD", 5), default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> With<T>(Func<IPricesAndStock, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<IPricesAndStock>());
    }

    [Fact]
    public async Task Every_change_of_on_hand_is_recorded_with_who_why_and_the_running_total()
    {
        await With(s => s.AdjustOnHandAsync("LEDGER-1", 12, new StockChangeContext("ann@store.test", "Delivery", "PO-7"), default));
        await With(s => s.SetOnHandAsync("LEDGER-1", 15, new StockChangeContext("bo@store.test", "Stock count"), default));
        await With(s => s.SetPriceAsync("LEDGER-1", 12m, "USD", default));

        var ledger = await With(s => s.LedgerAsync("LEDGER-1", 10, default));
        Assert.Equal(
            [(-2, 15, "Stock count", "bo@store.test", (string?)null), (12, 17, "Delivery", "ann@store.test", "PO-7"), (5, 5, "Initial stock", "system", null)],
            ledger.Select(l => (l.Delta, l.OnHandAfter, l.Reason, l.Actor, l.Reference)));
        Assert.Equal(15, (await With(s => s.GetAsync("LEDGER-1", default)))!.OnHand);
    }

    [Fact]
    public async Task A_merchants_edit_saves_only_what_they_changed_and_refuses_what_moved_under_them()
    {
        var seen = new SeenPriceAndStock(10m, "USD", 5);
        var merchant = new StockChangeContext("ann@store.test", "Stock count");
        // Someone else changes the price; this merchant, who opened the form before, only recounts.
        await With(s => s.SetPriceAsync("LEDGER-1", 12m, "USD", default));
        var counted = await With(s => s.SetPriceAndStockAsync("LEDGER-1", 10m, "USD", 7, seen, merchant, default));
        Assert.Equal(StockChangeOutcome.Changed, counted.Outcome);
        var now = (await With(s => s.GetAsync("LEDGER-1", default)))!;
        Assert.Equal((12m, 7), (now.Price.Amount, now.OnHand)); // the other price is not put back

        // A price edit against a price that changed since: nothing saved, the current values named.
        var stale = await With(s => s.SetPriceAndStockAsync("LEDGER-1", 11m, "USD", 5, seen, merchant, default));
        Assert.Equal(StockChangeOutcome.ChangedMeanwhile, stale.Outcome);
        Assert.Equal("Price", stale.Field);
        Assert.Equal("Someone else changed this SKU after you opened the page: the price is now $12.00 and 7 units are on hand. Nothing was saved; check your figures and save again.",
            English.Words.Of(stale.Problem!));
        // A count against a count that moved (a sale, another merchant): refused too.
        Assert.Equal(StockChangeOutcome.ChangedMeanwhile,
            (await With(s => s.SetPriceAndStockAsync("LEDGER-1", 12m, "USD", 9, seen with { Price = 12m }, merchant, default))).Outcome);
        now = (await With(s => s.GetAsync("LEDGER-1", default)))!;
        Assert.Equal((12m, 7), (now.Price.Amount, now.OnHand));

        // Two merchants recounting from one view at once: one count is saved, the other refused.
        var view = new SeenPriceAndStock(12m, "USD", 7);
        var both = await Task.WhenAll(With(s => s.SetPriceAndStockAsync("LEDGER-1", 12m, "USD", 8, view, merchant, default)),
            With(s => s.SetPriceAndStockAsync("LEDGER-1", 12m, "USD", 20, view, merchant, default)));
        Assert.Equal([StockChangeOutcome.Changed, StockChangeOutcome.ChangedMeanwhile], both.Select(r => r.Outcome).Order());
        Assert.Contains((await With(s => s.GetAsync("LEDGER-1", default)))!.OnHand, new[] { 8, 20 });
    }

    [Fact]
    public async Task Removing_more_than_is_on_hand_or_giving_no_reason_changes_nothing()
    {
        var tooMany = await With(s => s.AdjustOnHandAsync("LEDGER-1", -6, new StockChangeContext("ann", "Damaged"), default));
        Assert.Equal((StockChangeOutcome.Invalid, "OnHand"), (tooMany.Outcome, tooMany.Field));
        var noReason = await With(s => s.AdjustOnHandAsync("LEDGER-1", -1, new StockChangeContext("ann", " "), default));
        Assert.Equal((StockChangeOutcome.Invalid, "Reason"), (noReason.Outcome, noReason.Field));
        Assert.Equal(StockChangeOutcome.UnknownSku, (await With(s => s.AdjustOnHandAsync("NOPE", 1, new StockChangeContext("ann", "x"), default))).Outcome);

        Assert.Single(await With(s => s.LedgerAsync("LEDGER-1", 10, default)));
        Assert.Equal(5, (await With(s => s.GetAsync("LEDGER-1", default)))!.OnHand);
    }

    [Fact]
    public async Task Parallel_adjustments_all_count_and_the_ledger_adds_up()
    {
        var tasks = Enumerable.Range(0, 40).Select(i => With(s =>
            s.AdjustOnHandAsync("LEDGER-1", i % 2 == 0 ? 3 : -1, new StockChangeContext($"worker-{i}", "Parallel"), default)));
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Equal(StockChangeOutcome.Changed, r.Outcome));

        var ledger = (await With(s => s.LedgerAsync("LEDGER-1", 100, default))).OrderBy(l => l.Id).ToList();
        Assert.Equal(5 + 20 * 3 - 20, (await With(s => s.GetAsync("LEDGER-1", default)))!.OnHand);
        var running = 0;
        foreach (var line in ledger)
        {
            running += line.Delta;
            Assert.Equal(running, line.OnHandAfter);
        }
        Assert.Equal(45, running);
    }
}
