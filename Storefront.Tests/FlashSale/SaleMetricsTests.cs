using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Storefront.FlashSale.Contracts;

namespace Storefront.Tests.FlashSale;

public sealed class SaleMetricsFixture : FlashSaleFixture;

/// <summary>The sale's crowd as the operator's numbers count it: joins and purchases by outcome.</summary>
public sealed class SaleMetricsTests(SaleMetricsFixture store) : IClassFixture<SaleMetricsFixture>
{
    /// <summary>Listens to the store's sale meter while a test runs (other tests' sales add to it too: counts are at least).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public ConcurrentDictionary<(string Instrument, string Outcome), long> Counts { get; } = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Storefront.FlashSale") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "outcome") Counts.AddOrUpdate((instrument.Name, (string)tag.Value!), value, (_, sum) => sum + value);
            });
            _listener.Start();
        }

        public long Of(string instrument, string outcome) => Counts.GetValueOrDefault((instrument, outcome));

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Joins_and_purchases_are_counted_by_how_they_ended()
    {
        using var recorder = new Recorder();
        var sale = await store.ArmedSaleAsync("counted", units: 1, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var first = await store.JoinAsync(sale, "u:counted-first");
        var second = await store.JoinAsync(sale, "u:counted-second");
        var again = await store.JoinAsync(sale, "u:counted-first");
        Assert.Equal((JoinOutcome.Joined, JoinOutcome.Joined, JoinOutcome.AlreadyJoined), (first.Outcome, second.Outcome, again.Outcome));
        await store.StepAsync(sale);
        var bought = await store.BuyAsync(sale, first.Pass!, "u:counted-first");
        Assert.Equal(PurchaseOutcome.Confirmed, bought.Outcome);
        // The one unit is sold: the second shopper's attempt is refused as sold out, and counted as such.
        var refused = await store.BuyAsync(sale, second.Pass!, "u:counted-second");
        Assert.Equal(PurchaseOutcome.SoldOut, refused.Outcome);

        Assert.True(recorder.Of("storefront.sale.joins", "joined") >= 2);
        Assert.True(recorder.Of("storefront.sale.joins", "already_joined") >= 1);
        Assert.True(recorder.Of("storefront.sale.purchases", "confirmed") >= 1);
        Assert.True(recorder.Of("storefront.sale.purchases", "sold_out") >= 1);
    }
}
