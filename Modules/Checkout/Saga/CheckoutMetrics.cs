using System.Diagnostics.Metrics;
using Storefront.BuildingBlocks;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>Checkout in numbers: orders placed, and how each "Place order" ended and how long it took.</summary>
internal static class CheckoutMetrics
{
    private static readonly Meter Meter = new("Storefront.Checkout");

    private static readonly Counter<long> Placed = Meter.CreateCounter<long>("storefront.orders.placed", "{order}",
        "Orders placed (paid and their stock taken), whichever request or recovery pass completed them.");

    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("storefront.checkout.attempts", "{request}",
        "Place-order requests, by outcome (completed, payment_declined, out_of_stock, total_changed, ...).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("storefront.checkout.duration", "s",
        "Time to answer a place-order request, by outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10] });

    public static void OrderPlaced() => Placed.Add(1);

    public static void Answered(CheckoutOutcome outcome, TimeSpan took)
    {
        var tag = new KeyValuePair<string, object?>("outcome", MetricLabels.Of(outcome));
        Attempts.Add(1, tag);
        Duration.Record(took.TotalSeconds, tag);
    }
}
