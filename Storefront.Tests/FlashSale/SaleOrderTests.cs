using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Orders;
using Storefront.FlashSale.Selling;

namespace Storefront.Tests.FlashSale;

public sealed class SaleOrderFixture : FlashSaleFixture;

/// <summary>
/// From claim to order, against real Redis and PostgreSQL: never more orders than units (a crowd, a
/// Redis flush, Redis wrongly counting more units than the sale holds), a declined card gives its unit
/// back, a purchase whose job died is finished, and the reconciliation balances.
/// </summary>
public sealed class SaleOrderTests(SaleOrderFixture store) : IClassFixture<SaleOrderFixture>
{
    private Task RunOrdersAsync(IEnumerable<Guid> purchases) => Task.WhenAll(purchases.Select(id => Task.Run(() =>
        store.Services.GetRequiredService<PurchaseOrderJob>().RunAsync(id, default))));

    private Task<PurchaseView?> PurchaseAsync(Guid id, string customer) => store.Room(r => r.GetPurchaseAsync(id, customer, default));

    private async Task<List<(string Customer, string Pass)>> AdmitAsync(SaleSummary sale, string prefix, int count)
    {
        var joined = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () => ($"u:{prefix}-{i}", (await store.JoinAsync(sale, $"u:{prefix}-{i}")).Pass!))));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        return joined.ToList();
    }

    [Fact]
    public async Task Five_thousand_shoppers_at_once_for_a_hundred_units_make_exactly_a_hundred_orders()
    {
        var sale = await store.ArmedSaleAsync("crowd", units: 100, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var shoppers = await AdmitAsync(sale, "crowd", 5000);

        var results = await Task.WhenAll(shoppers.Select(s => Task.Run(() => store.BuyAsync(sale, s.Pass, s.Customer))));

        var confirmed = results.Where(r => r.Outcome == PurchaseOutcome.Confirmed).ToList();
        Assert.Equal(100, confirmed.Count);
        var refused = results.Where(r => r.Outcome != PurchaseOutcome.Confirmed).ToList();
        Assert.Equal(4900, refused.Count);
        Assert.All(refused, r => Assert.Contains(r.Problem!.Code, new[] { FlashSaleProblems.NotAdmitted, FlashSaleProblems.SoldOut }));
        // Everyone still waiting is told at once, from memory.
        Assert.Equal(ShopperState.SoldOut, (await store.StatusAsync(sale, shoppers[^1].Pass, shoppers[^1].Customer)).Place!.State);

        // One order-making job for the burst, not one per purchase (a job costs the database as much
        // as an order); two of them running at once share the purchases and never order one twice.
        Assert.InRange(await store.CountAsync(
            $"SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%SaleOrdersJob%' AND arguments::text LIKE '%{sale.Id}%'"), 1, 5);
        var made = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            store.Services.GetRequiredService<SaleOrdersJob>().RunAsync(sale.Id, default))));
        Assert.Equal(100, made.Sum());

        Assert.Equal(100, await store.OrdersOfAsync(sale.Sku));
        Assert.Equal(100, await store.CountAsync($"SELECT sold FROM flashsale.sales WHERE id = '{sale.Id}'"));
        var report = await store.Admin(a => a.ReconcileAsync(sale.Id, default));
        Assert.True(report!.Balanced, string.Join("; ", report.Findings));
        Assert.Equal((100L, 100, 100, 0), (report.ClaimedInRedis!.Value, report.OrdersCreated, report.StockCommitted, report.Unsold));
    }

    [Fact]
    public async Task A_declined_card_gives_the_unit_back_and_the_shopper_may_try_again_inside_the_window()
    {
        var sale = await store.ArmedSaleAsync("declined", units: 1, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var (customer, pass) = (await AdmitAsync(sale, "declined", 1))[0];

        var first = await store.BuyAsync(sale, pass, customer, card: "4000000000000002");
        Assert.Equal(PurchaseOutcome.Confirmed, first.Outcome);
        Assert.Equal(SalePhase.SoldOut, (await store.Room(r => r.FindAsync(sale.Slug, default)))!.Phase);
        await RunOrdersAsync([first.PurchaseId!.Value]);

        var declined = await PurchaseAsync(first.PurchaseId!.Value, customer);
        Assert.Equal(PurchaseState.Declined, declined!.State);
        Assert.NotNull(declined.Problem);
        Assert.Equal(1, await store.Services.GetRequiredService<SaleRoomStore>().LeftAsync(sale.Id));
        Assert.Equal(ShopperState.Admitted, (await store.StatusAsync(sale, pass, customer)).Place!.State);

        var second = await store.BuyAsync(sale, pass, customer);
        Assert.Equal(PurchaseOutcome.Confirmed, second.Outcome);
        await RunOrdersAsync([second.PurchaseId!.Value]);
        var ordered = await PurchaseAsync(second.PurchaseId!.Value, customer);
        Assert.Equal(PurchaseState.Ordered, ordered!.State);
        Assert.NotNull(ordered.OrderNumber);
        Assert.Null(await PurchaseAsync(second.PurchaseId!.Value, "u:someone-else"));
        Assert.Equal(1, await store.OrdersOfAsync(sale.Sku));
        Assert.True((await store.Admin(a => a.ReconcileAsync(sale.Id, default)))!.Balanced);
    }

    [Fact]
    public async Task A_purchase_whose_order_job_died_is_finished_by_the_recovery_pass()
    {
        var sale = await store.ArmedSaleAsync("recovered", units: 2, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var (customer, pass) = (await AdmitAsync(sale, "recovered", 1))[0];
        var bought = await store.BuyAsync(sale, pass, customer);
        // The process stops before the job runs (tests run no job server: nothing else will run it).
        Assert.Equal(PurchaseState.Processing, (await PurchaseAsync(bought.PurchaseId!.Value, customer))!.State);
        var dashboard = await store.Admin(a => a.DashboardAsync(sale.Id, default));
        Assert.Equal((1L, 0, 1), (dashboard!.Claimed, dashboard.OrdersCreated, dashboard.OrdersProcessing));
        Assert.False((await store.Admin(a => a.ReconcileAsync(sale.Id, default)))!.Balanced);

        store.Clock.Advance(TimeSpan.FromSeconds(31));
        await store.With(sp => sp.GetRequiredService<RecoverPurchasesJob>().RunAsync(default));

        Assert.Equal(PurchaseState.Ordered, (await PurchaseAsync(bought.PurchaseId!.Value, customer))!.State);
        Assert.Equal(1, await store.OrdersOfAsync(sale.Sku));
        Assert.True((await store.Admin(a => a.ReconcileAsync(sale.Id, default)))!.Balanced);
    }

    [Fact]
    public async Task After_Redis_is_flushed_mid_sale_the_counters_are_rebuilt_from_PostgreSQL_and_nothing_is_oversold()
    {
        var sale = await store.ArmedSaleAsync("flushed", units: 5, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var buyers = await AdmitAsync(sale, "before", 3);
        var bought = new List<Guid>();
        foreach (var (customer, pass) in buyers) bought.Add((await store.BuyAsync(sale, pass, customer)).PurchaseId!.Value);
        await RunOrdersAsync(bought.Take(2)); // two ordered, one still being made
        var waiting = await store.JoinAsync(sale, "u:patient");

        await store.FlushRedisAsync();

        // The next look finds the counters gone and builds them again: 5 units − 3 held by purchases.
        var place = await store.StatusAsync(sale, waiting.Pass, "u:patient");
        Assert.Contains(place.Place!.State, new[] { ShopperState.Waiting, ShopperState.Rebuilding });
        Assert.Equal(2, await store.Services.GetRequiredService<SaleRoomStore>().LeftAsync(sale.Id));
        Assert.Equal(JoinOutcome.OverLimit, (await store.JoinAsync(sale, buyers[0].Customer)).Outcome);
        // The waiting shopper's pass put them back in line.
        Assert.Equal(ShopperState.Waiting, (await store.StatusAsync(sale, waiting.Pass, "u:patient")).Place!.State);

        var after = await AdmitAsync(sale, "after", 10);
        var results = await Task.WhenAll(after.Select(s => Task.Run(() => store.BuyAsync(sale, s.Pass, s.Customer))));
        var confirmed = results.Where(r => r.Outcome == PurchaseOutcome.Confirmed).Select(r => r.PurchaseId!.Value).ToList();
        Assert.Equal(2, confirmed.Count);
        await RunOrdersAsync(confirmed.Append(bought[2]));

        Assert.Equal(5, await store.OrdersOfAsync(sale.Sku));
        Assert.Equal(5, await store.CountAsync($"SELECT sold FROM flashsale.sales WHERE id = '{sale.Id}'"));
        Assert.True((await store.Admin(a => a.ReconcileAsync(sale.Id, default)))!.Balanced);
    }

    [Fact]
    public async Task PostgreSQL_refuses_orders_beyond_the_units_held_even_when_Redis_counts_more()
    {
        var sale = await store.ArmedSaleAsync("guarded", units: 2, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        await store.StepAsync(sale);
        // Redis wrongly believes there are six units (a failover to a stale replica, a bad restore).
        var redis = store.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        await redis.StringSetAsync($"{{sale:{sale.Id:N}}}:left", 6);
        var shoppers = await AdmitAsync(sale, "guarded", 6);
        var results = await Task.WhenAll(shoppers.Select(s => Task.Run(() => store.BuyAsync(sale, s.Pass, s.Customer))));
        var confirmed = results.Where(r => r.Outcome == PurchaseOutcome.Confirmed).Select(r => r.PurchaseId!.Value).ToList();
        Assert.Equal(6, confirmed.Count);
        var chargesBefore = await store.ChargesAsync();

        await RunOrdersAsync(confirmed);

        Assert.Equal(2, await store.OrdersOfAsync(sale.Sku));
        Assert.Equal(2, await store.CountAsync($"SELECT sold FROM flashsale.sales WHERE id = '{sale.Id}'"));
        Assert.Equal(4, await store.CountAsync($"SELECT count(*) FROM flashsale.purchases WHERE sale_id = '{sale.Id}' AND state = 'failed'"));
        // Every charge beyond the units held was refunded.
        Assert.Equal(4, await store.CountAsync("SELECT count(*) FROM checkout.test_gateway_payments WHERE kind = 'refund' AND status = 'succeeded'"));
        Assert.Equal(6, await store.ChargesAsync() - chargesBefore);
    }

    [Fact]
    public async Task Pause_stops_admissions_resume_restarts_them_and_after_the_end_unsold_units_go_back_to_stock_once()
    {
        var sale = await store.ArmedSaleAsync("paused", units: 4, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        Assert.Equal(SaleChangeOutcome.Done, (await store.Admin(a => a.PauseAsync(sale.Id, "merchant", default))).Outcome);
        Assert.Equal(SaleChangeOutcome.Unchanged, (await store.Admin(a => a.PauseAsync(sale.Id, "merchant", default))).Outcome);
        var shoppers = await AdmitAsync(sale, "paused", 2);
        Assert.Equal(ShopperState.Paused, (await store.StatusAsync(sale, shoppers[0].Pass, shoppers[0].Customer)).Place!.State);
        Assert.Equal(SalePhase.Paused, (await store.Room(r => r.FindAsync(sale.Slug, default)))!.Phase);

        await store.Admin(a => a.ResumeAsync(sale.Id, "merchant", default));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        Assert.Equal(ShopperState.Admitted, (await store.StatusAsync(sale, shoppers[0].Pass, shoppers[0].Customer)).Place!.State);
        var bought = await store.BuyAsync(sale, shoppers[0].Pass, shoppers[0].Customer);
        await RunOrdersAsync([bought.PurchaseId!.Value]);

        Assert.Equal(SaleChangeOutcome.Refused, (await store.Admin(a => a.ReturnUnsoldAsync(sale.Id, "merchant", default))).Outcome);
        await store.Admin(a => a.EndAsync(sale.Id, "merchant", default));
        Assert.Equal(PurchaseOutcome.Ended, (await store.BuyAsync(sale, shoppers[1].Pass, shoppers[1].Customer)).Outcome);
        Assert.Equal(SalePhase.Ended, (await store.Room(r => r.FindAsync(sale.Slug, default)))!.Phase);

        var stockBefore = await store.CountAsync($"SELECT on_hand FROM inventory.stock_items WHERE sku = '{sale.Sku}'");
        var returns = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.Admin(a => a.ReturnUnsoldAsync(sale.Id, "merchant", default)))));
        Assert.Single(returns, r => r.Outcome == SaleChangeOutcome.Done);
        Assert.Equal(stockBefore + 3, await store.CountAsync($"SELECT on_hand FROM inventory.stock_items WHERE sku = '{sale.Sku}'"));
        Assert.Equal(1, await store.CountAsync($"SELECT count(*) FROM inventory.stock_ledger WHERE sku = '{sale.Sku}' AND reason = 'Flash sale unsold'"));
        var report = await store.Admin(a => a.ReconcileAsync(sale.Id, default));
        Assert.True(report!.Balanced, string.Join("; ", report.Findings));
        Assert.Equal((1, 0, 3), (report.OrdersCreated, report.Unsold, report.Returned));
    }

    [Fact]
    public async Task The_dashboard_says_ended_and_paused_as_soon_as_the_merchant_changes_the_sale()
    {
        var sale = await store.ArmedSaleAsync("told-at-once", units: 2, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        await store.StepAsync(sale); // this instance now serves the sale from memory
        Assert.Equal(SalePhase.Live, (await store.Admin(a => a.DashboardAsync(sale.Id, default)))!.Phase);

        await store.Admin(a => a.PauseAsync(sale.Id, "merchant", default));
        Assert.Equal(SalePhase.Paused, (await store.Admin(a => a.DashboardAsync(sale.Id, default)))!.Phase);
        await store.Admin(a => a.EndAsync(sale.Id, "merchant", default));
        Assert.Equal(SalePhase.Ended, (await store.Admin(a => a.DashboardAsync(sale.Id, default)))!.Phase);
    }
}
