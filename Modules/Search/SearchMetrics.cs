using System.Diagnostics.Metrics;

namespace Storefront.Search;

/// <summary>Searches in numbers: how long the results took, and how many the engine could not answer.</summary>
internal static class SearchMetrics
{
    private static readonly Meter Meter = new("Storefront.Search");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("storefront.search.duration", "s",
        "Time to make a results page's results (query understanding, engine, facets), by outcome (answered, engine_failed).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5] });

    public static void Searched(bool engineFailed, TimeSpan took) =>
        Duration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("outcome", engineFailed ? "engine_failed" : "answered"));
}
