using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Selling;

namespace Storefront.Tests.FlashSale;

public sealed class WaitingRoomFixture : FlashSaleFixture;

/// <summary>
/// The waiting room against real Redis and PostgreSQL: places that cannot be improved by reloading or
/// copied to another account, a pre-queue drawn at random at the start, arrival order after it,
/// admission that stops at the units nobody holds, and windows that run out.
/// </summary>
public sealed class WaitingRoomTests(WaitingRoomFixture store) : IClassFixture<WaitingRoomFixture>
{
    [Fact]
    public async Task Joining_again_from_other_tabs_or_browsers_gives_the_same_place_and_a_pass_works_only_for_its_account()
    {
        var sale = await store.ArmedSaleAsync("tabs", units: 5, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var first = await store.JoinAsync(sale, "u:first");
        var ada = await store.JoinAsync(sale, "u:ada");
        Assert.Equal(JoinOutcome.Joined, ada.Outcome);

        var again = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.JoinAsync(sale, "u:ada")));
        Assert.All(again, j => Assert.Equal(JoinOutcome.AlreadyJoined, j.Outcome));
        Assert.All(again, j => Assert.Equal(2, j.Place!.Position));

        var mine = await store.StatusAsync(sale, ada.Pass, "u:ada");
        Assert.Null(mine.Refused);
        Assert.Equal(ShopperState.Waiting, mine.Place!.State);
        Assert.Equal(2, mine.Place.Position);
        Assert.Equal(PassRefusal.OtherCustomer, (await store.StatusAsync(sale, ada.Pass, "u:mallory")).Refused);

        var tampered = ada.Pass![..^3] + (ada.Pass[^3] == 'A' ? "B" : "A") + ada.Pass[^2..];
        Assert.Equal(PassRefusal.Forged, (await store.StatusAsync(sale, tampered, "u:ada")).Refused);
        // A better ticket written into the pass breaks its signature.
        var parts = ada.Pass.Split('.');
        parts[2] = "1";
        Assert.Equal(PassRefusal.Forged, (await store.StatusAsync(sale, string.Join('.', parts), "u:ada")).Refused);
        Assert.Equal(PassRefusal.Forged, (await store.StatusAsync(sale, "not-a-pass", "u:ada")).Refused);
        Assert.Equal(PassRefusal.Forged, (await store.StatusAsync(sale, null, "u:ada")).Refused);

        var purchase = await store.BuyAsync(sale, ada.Pass, "u:mallory");
        Assert.Equal(PurchaseOutcome.PassRefused, purchase.Outcome);
        Assert.Equal(FlashSaleProblems.PassOfAnother, purchase.Problem!.Code);
        Assert.NotNull(first.Pass);

        var board = await store.Admin(a => a.DashboardAsync(sale.Id, default));
        Assert.True(board!.Refused["forged-pass"] >= 4);
        Assert.True(board.Refused["borrowed-pass"] >= 2);
    }

    [Fact]
    public async Task A_pass_expires_an_hour_after_the_sale_and_is_refused_for_another_sale()
    {
        var sale = await store.ArmedSaleAsync("expiry", units: 3, startsIn: TimeSpan.FromSeconds(2));
        var other = await store.ArmedSaleAsync("expiry-other", units: 3, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var joined = await store.JoinAsync(sale, "u:late");
        Assert.Equal(PassRefusal.OtherSale, (await store.StatusAsync(other, joined.Pass, "u:late")).Refused);

        store.Clock.Advance(sale.EndsAt - store.Clock.GetUtcNow() + TimeSpan.FromMinutes(61));
        Assert.Equal(PassRefusal.Expired, (await store.StatusAsync(sale, joined.Pass, "u:late")).Refused);
    }

    [Fact]
    public async Task The_pre_queue_is_drawn_at_random_at_the_start_and_later_arrivals_queue_in_order_behind_it()
    {
        var sale = await store.ArmedSaleAsync("shuffle", units: 1, perMinute: 1, startsIn: TimeSpan.FromMinutes(5));
        var early = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 60; i++)
        {
            var joined = await store.JoinAsync(sale, $"u:early-{i:D2}");
            Assert.Equal(JoinOutcome.Joined, joined.Outcome);
            Assert.Equal(ShopperState.PreQueue, joined.Place!.State);
            Assert.Null(joined.Place.Position);
            early.Add(($"u:early-{i:D2}", joined.Pass!));
        }

        store.StartSale(sale);
        var late = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 5; i++) late.Add(($"u:late-{i}", (await store.JoinAsync(sale, $"u:late-{i}")).Pass!));

        var earlyPlaces = new List<long>();
        foreach (var (customer, pass) in early) earlyPlaces.Add((await store.StatusAsync(sale, pass, customer)).Place!.Position!.Value);
        Assert.Equal(Enumerable.Range(1, 60).Select(p => (long)p), earlyPlaces.Order());
        Assert.NotEqual(Enumerable.Range(1, 60).Select(p => (long)p), earlyPlaces); // not the arrival order
        var latePlaces = new List<long>();
        foreach (var (customer, pass) in late) latePlaces.Add((await store.StatusAsync(sale, pass, customer)).Place!.Position!.Value);
        Assert.Equal([61, 62, 63, 64, 65], latePlaces);
    }

    [Fact]
    public async Task Admission_stops_at_the_units_nobody_holds_and_the_rest_learn_at_once_when_all_are_claimed()
    {
        var sale = await store.ArmedSaleAsync("quota", units: 3, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var shoppers = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 10; i++) shoppers.Add(($"u:q{i}", (await store.JoinAsync(sale, $"u:q{i}")).Pass!));

        store.Clock.Advance(TimeSpan.FromSeconds(5));
        await store.StepAsync(sale);
        var places = new List<PlaceInLine>();
        foreach (var (customer, pass) in shoppers) places.Add((await store.StatusAsync(sale, pass, customer)).Place!);
        Assert.Equal(3, places.Count(p => p.State == ShopperState.Admitted));
        Assert.All(places.Skip(3), p => Assert.Equal(ShopperState.WaitingList, p.State));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], places.Skip(3).Select(p => p.Position!.Value));

        // More steps admit nobody: every unit is held by someone let in.
        store.Clock.Advance(TimeSpan.FromSeconds(5));
        await store.StepAsync(sale);
        Assert.Equal(ShopperState.WaitingList, (await store.StatusAsync(sale, shoppers[3].Pass, shoppers[3].Customer)).Place!.State);

        for (var i = 0; i < 3; i++)
            Assert.Equal(PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, shoppers[i].Pass, shoppers[i].Customer)).Outcome);
        var after = await store.StatusAsync(sale, shoppers[9].Pass, shoppers[9].Customer);
        Assert.Equal(ShopperState.SoldOut, after.Place!.State);
        var view = await store.Room(r => r.FindAsync(sale.Slug, default));
        Assert.Equal(SalePhase.SoldOut, view!.Phase);
        Assert.Equal(JoinOutcome.SoldOut, (await store.JoinAsync(sale, "u:newcomer")).Outcome);
    }

    [Fact]
    public async Task Admission_keeps_to_the_rate_and_the_estimate_follows_it()
    {
        var sale = await store.ArmedSaleAsync("rate", units: 100, perMinute: 60, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var shoppers = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 30; i++) shoppers.Add(($"u:r{i}", (await store.JoinAsync(sale, $"u:r{i}")).Pass!));
        await store.StepAsync(sale);
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);

        var admitted = 0;
        foreach (var (customer, pass) in shoppers)
            if ((await store.StatusAsync(sale, pass, customer)).Place!.State == ShopperState.Admitted) admitted++;
        Assert.InRange(admitted, 2, 3); // 60 a minute: one a second
        var last = (await store.StatusAsync(sale, shoppers[29].Pass, shoppers[29].Customer)).Place!;
        Assert.Equal(ShopperState.Waiting, last.State);
        Assert.Equal(30 - admitted, last.Position);
        Assert.Equal(TimeSpan.FromSeconds(last.Position!.Value), last.Estimate);
        Assert.InRange(last.PollAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_shopper_far_back_is_placed_from_memory_between_redis_answers_and_one_near_their_turn_always_asks_redis()
    {
        var sale = await store.ArmedSaleAsync("memory", units: 100, perMinute: 60, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var shoppers = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 40; i++) shoppers.Add(($"u:m{i}", (await store.JoinAsync(sale, $"u:m{i}")).Pass!));
        var (far, farPass) = shoppers[29];
        Assert.Equal(30, (await store.StatusAsync(sale, farPass, far)).Place!.Position);
        var (near, nearPass) = shoppers[1];
        Assert.Equal(2, (await store.StatusAsync(sale, nearPass, near)).Place!.Position);

        // Ten shoppers ahead leave: Redis knows at once; the far shopper's place is estimated from the
        // rate (one a second) until their remembered place is five seconds old.
        for (var i = 2; i < 12; i++) await store.Room(r => r.LeaveAsync(sale.Slug, shoppers[i].Pass, shoppers[i].Customer, default));
        store.Clock.Advance(TimeSpan.FromSeconds(2));
        var remembered = (await store.StatusAsync(sale, farPass, far)).Place!;
        Assert.Equal((ShopperState.Waiting, 28L), (remembered.State, remembered.Position!.Value));
        Assert.Equal(TimeSpan.FromSeconds(28), remembered.Estimate);
        store.Clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(20, (await store.StatusAsync(sale, farPass, far)).Place!.Position); // asked again: 29 ahead, 10 left, none let in

        // Near the front, every poll asks Redis: let in by the step, told at once.
        await store.StepAsync(sale);
        Assert.Equal(ShopperState.Admitted, (await store.StatusAsync(sale, nearPass, near)).Place!.State);

        // Places too old to answer from are dropped by the admission loop's sweep, sold out or not.
        var places = store.Services.GetRequiredService<WaitingPlaces>();
        Assert.True(places.Count > 0);
        places.Sweep(store.Clock.GetUtcNow() + WaitingPlaces.KeptFor);
        Assert.Equal(0, places.Count);
    }

    [Fact]
    public async Task A_window_that_runs_out_lets_the_next_shopper_in_and_leaving_the_line_counts_as_giving_up()
    {
        var sale = await store.ArmedSaleAsync("window", units: 1, window: TimeSpan.FromMinutes(1), startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var a = await store.JoinAsync(sale, "u:slow");
        var b = await store.JoinAsync(sale, "u:next");
        var c = await store.JoinAsync(sale, "u:leaver");
        await store.StepAsync(sale);
        Assert.Equal(ShopperState.Admitted, (await store.StatusAsync(sale, a.Pass, "u:slow")).Place!.State);
        Assert.Equal(ShopperState.WaitingList, (await store.StatusAsync(sale, b.Pass, "u:next")).Place!.State);
        await store.Room(r => r.LeaveAsync(sale.Slug, c.Pass!, "u:leaver", default));

        store.Clock.Advance(TimeSpan.FromMinutes(1.1));
        await store.StepAsync(sale);
        Assert.Equal(ShopperState.TimedOut, (await store.StatusAsync(sale, a.Pass, "u:slow")).Place!.State);
        var next = (await store.StatusAsync(sale, b.Pass, "u:next")).Place!;
        Assert.Equal(ShopperState.Admitted, next.State);
        Assert.True(next.WindowEndsAt > store.Clock.GetUtcNow());
        // Too late: the window closed and its unit went to the next shopper.
        Assert.Equal(PurchaseOutcome.NotAdmitted, (await store.BuyAsync(sale, a.Pass!, "u:slow")).Outcome);

        var board = await store.Admin(x => x.DashboardAsync(sale.Id, default));
        Assert.Equal(1, board!.TimedOut);
        Assert.Equal(1, board.GaveUp);
        Assert.Equal(2, board.Admitted);
        Assert.Equal(1, board.BuyingNow);
    }

    [Fact]
    public async Task Many_tabs_of_one_account_buying_at_once_get_one_unit()
    {
        var sale = await store.ArmedSaleAsync("one-each", units: 5, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var joined = await store.JoinAsync(sale, "u:eager");
        await store.StepAsync(sale);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.BuyAsync(sale, joined.Pass!, "u:eager"))));

        Assert.Single(results, r => r.Outcome == PurchaseOutcome.Confirmed);
        Assert.All(results.Where(r => r.Outcome != PurchaseOutcome.Confirmed), r => Assert.Equal(PurchaseOutcome.OverLimit, r.Outcome));
        Assert.Equal(4, await store.Services.GetRequiredService<SaleRoomStore>().LeftAsync(sale.Id));
        Assert.Equal(JoinOutcome.OverLimit, (await store.JoinAsync(sale, "u:eager")).Outcome);
    }

    [Fact]
    public async Task A_claim_whose_purchase_never_reached_the_database_gives_its_unit_back()
    {
        var sale = await store.ArmedSaleAsync("lost-claim", units: 2, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        await store.JoinAsync(sale, "u:crashed");
        await store.StepAsync(sale);
        var counters = store.Services.GetRequiredService<SaleRoomStore>();
        // The claim succeeds in Redis and the process dies before writing the purchase.
        var claim = await counters.ClaimAsync(sale.Id, "u:crashed", Guid.NewGuid(), store.Clock.GetUtcNow());
        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(1, await counters.LeftAsync(sale.Id));

        var live = await store.Services.GetRequiredService<SaleDirectory>().FindAsync(sale.Slug, default);
        var admissions = store.Services.GetRequiredService<SaleAdmissions>();
        Assert.Equal(0, await admissions.SweepAsync(live!, default)); // too early: it may still be on its way
        store.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await admissions.SweepAsync(live!, default));
        Assert.Equal(2, await counters.LeftAsync(sale.Id));
        Assert.Equal(0, await admissions.SweepAsync(live!, default));
    }
}
