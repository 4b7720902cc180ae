using System.Diagnostics.Metrics;

namespace Storefront.BuildingBlocks.Events;

/// <summary>
/// Event delivery in numbers, per consumer: how long events took from their commit to their
/// handler, and the failures and parkings an operator should hear about before a shopper does.
/// </summary>
internal static class EventMetrics
{
    private static readonly Meter Meter = new("Storefront.Events");

    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>("storefront.events.delivered", "{event}",
        "Events handled, by consumer.");

    private static readonly Histogram<double> Delay = Meter.CreateHistogram<double>("storefront.events.delivery_delay", "s",
        "From an event's commit to its handler finishing, by consumer (the last event of each run handled together).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("storefront.events.failed", "{attempt}",
        "Handler attempts that failed and will be retried, by consumer.");

    private static readonly Counter<long> Parked = Meter.CreateCounter<long>("storefront.events.parked", "{event}",
        "Events set aside after failing too often (see /admin/events), by consumer.");

    private static KeyValuePair<string, object?> Of(string consumer) => new("consumer", consumer);

    public static void Handled(string consumer, int count, TimeSpan delay)
    {
        Delivered.Add(count, Of(consumer));
        Delay.Record(Math.Max(0, delay.TotalSeconds), Of(consumer));
    }

    public static void Failure(string consumer) => Failed.Add(1, Of(consumer));

    public static void ParkedOne(string consumer) => Parked.Add(1, Of(consumer));
}
