using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Selling;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

public sealed class SaleCountersFixture : StoreFixture;

/// <summary>The one-step claim of a sale unit in Redis: never more units than there are, never more than a customer's limit.</summary>
public sealed class SaleCountersTests(SaleCountersFixture store) : IClassFixture<SaleCountersFixture>
{
    private SaleCounters Counters => store.Services.GetRequiredService<SaleCounters>();

    [Fact]
    public async Task Five_thousand_shoppers_at_once_for_a_hundred_units_get_exactly_a_hundred()
    {
        var sale = Guid.NewGuid();
        Assert.True(await Counters.StartAsync(sale, 100));
        Assert.False(await Counters.StartAsync(sale, 100)); // set up twice: the second changes nothing

        var results = await Task.WhenAll(Enumerable.Range(0, 5000).Select(i => Task.Run(() => Counters.ClaimAsync(sale, $"shopper-{i}", 1))));

        Assert.Equal(100, results.Count(r => r.Outcome == ClaimOutcome.Claimed));
        Assert.Equal(4900, results.Count(r => r.Outcome == ClaimOutcome.SoldOut));
        Assert.Equal(Enumerable.Range(0, 100).Select(n => (long)n).Order(), results.Where(r => r.Outcome == ClaimOutcome.Claimed).Select(r => r.Remaining).Order());
        Assert.Equal(0, await Counters.LeftAsync(sale));
    }

    [Fact]
    public async Task Many_tabs_of_one_account_get_no_more_than_its_limit()
    {
        var sale = Guid.NewGuid();
        await Counters.StartAsync(sale, 50);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Counters.ClaimAsync(sale, "account-7", 2))));

        Assert.Equal(2, results.Count(r => r.Outcome == ClaimOutcome.Claimed));
        Assert.Equal(38, results.Count(r => r.Outcome == ClaimOutcome.OverLimit));
        Assert.Equal(48, await Counters.LeftAsync(sale));
    }

    [Fact]
    public async Task A_unit_given_back_can_be_claimed_again_and_a_customer_cannot_give_back_what_it_never_had()
    {
        var sale = Guid.NewGuid();
        await Counters.StartAsync(sale, 1);
        Assert.Equal(ClaimOutcome.Claimed, (await Counters.ClaimAsync(sale, "first", 1)).Outcome);
        Assert.Equal(ClaimOutcome.SoldOut, (await Counters.ClaimAsync(sale, "second", 1)).Outcome);

        Assert.False(await Counters.ReleaseAsync(sale, "second"));
        Assert.True(await Counters.ReleaseAsync(sale, "first")); // a declined card
        Assert.False(await Counters.ReleaseAsync(sale, "first")); // given back twice: once

        Assert.Equal(ClaimOutcome.Claimed, (await Counters.ClaimAsync(sale, "second", 1)).Outcome);
        Assert.Equal(0, await Counters.LeftAsync(sale));
    }

    [Fact]
    public async Task Counters_lost_with_redis_are_reported_rather_than_read_as_sold_out_or_available()
    {
        var sale = Guid.NewGuid();
        await Counters.StartAsync(sale, 10);
        await store.FlushRedisAsync();

        var result = await Counters.ClaimAsync(sale, "after-restart", 1);

        Assert.Equal(ClaimOutcome.NotReady, result.Outcome);
        Assert.Null(await Counters.LeftAsync(sale));
    }
}
