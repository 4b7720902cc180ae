using System.Net;
using Storefront.FlashSale.Contracts;

namespace Storefront.Tests.FlashSale;

/// <summary>A client allowed two status polls a minute: the sold-out answer is not rationed.</summary>
public sealed class SoldOutFloodFixture : FlashSaleFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimits:SaleStatus:PermitLimit"] = "2",
    };
}

/// <summary>
/// A sold-out sale's status is answered from memory before rate limiting (the answer costs less than
/// the limiter, and protects nothing), while a live sale's polls stay limited per client.
/// </summary>
public sealed class SoldOutFloodTests(SoldOutFloodFixture store) : IClassFixture<SoldOutFloodFixture>
{
    [Fact]
    public async Task A_flood_of_polls_of_a_sold_out_sale_is_answered_while_polls_of_a_live_sale_are_limited()
    {
        var gone = await store.ArmedSaleAsync("flood-gone", units: 1, guests: true, startsIn: TimeSpan.FromSeconds(2));
        var live = await store.ArmedSaleAsync("flood-live", units: 5, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(gone);
        var joined = await store.JoinAsync(gone, "u:first");
        await store.StepAsync(gone);
        Assert.Equal(PurchaseOutcome.Confirmed, (await store.BuyAsync(gone, joined.Pass!, "u:first")).Outcome);
        await Task.Delay(100); // the sale's view is read again after FlashSale:ViewRefresh

        var client = store.Client();
        for (var i = 0; i < 20; i++)
        {
            var answer = await client.GetAsync("/api/sales/flood-gone/status");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) codes.Add((await client.GetAsync("/api/sales/flood-live/status")).StatusCode);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
    }
}
