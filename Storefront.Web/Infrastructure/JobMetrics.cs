using System.Diagnostics.Metrics;
using Hangfire;
using Hangfire.Storage.Monitoring;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Background jobs by state, read from Hangfire's storage when the metrics are scraped (at most
/// every <see cref="Freshness"/>, so a scrape every few seconds costs one query now and then): a
/// failed job (a nightly rebuild, a sale's order) waits in the jobs dashboard for someone to retry
/// it, and an operator should be told.
/// </summary>
public sealed class JobMetrics
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);

    private readonly JobStorage _storage;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private (DateTimeOffset At, StatisticsDto? Statistics)? _last;

    public JobMetrics(JobStorage storage, IMeterFactory meters, TimeProvider clock)
    {
        (_storage, _clock) = (storage, clock);
        var meter = meters.Create("Storefront.Jobs");
        meter.CreateObservableGauge("storefront.jobs", ByState, "{job}",
            "Background jobs by state: enqueued, scheduled, processing, failed (waiting in the jobs dashboard to be retried or deleted).");
        meter.CreateObservableGauge("storefront.jobs.servers", Servers, "{server}",
            "Instances running background jobs, as they report to the job storage.");
    }

    private IEnumerable<Measurement<long>> ByState()
    {
        if (Statistics() is not { } s) return [];
        return
        [
            new(s.Enqueued, new KeyValuePair<string, object?>("state", "enqueued")),
            new(s.Scheduled, new KeyValuePair<string, object?>("state", "scheduled")),
            new(s.Processing, new KeyValuePair<string, object?>("state", "processing")),
            new(s.Failed, new KeyValuePair<string, object?>("state", "failed")),
        ];
    }

    private IEnumerable<Measurement<long>> Servers() => Statistics() is { } s ? [new(s.Servers)] : [];

    /// <summary>The latest statistics; none while the storage (PostgreSQL) does not answer, so no stale number is reported.</summary>
    private StatisticsDto? Statistics()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_last is { } last && now - last.At < Freshness) return last.Statistics;
            StatisticsDto? statistics;
            try
            {
                statistics = _storage.GetMonitoringApi().GetStatistics();
            }
            catch (Exception ex) when (DependencyOutages.Of(ex) is not null)
            {
                statistics = null;
            }
            _last = (now, statistics);
            return statistics;
        }
    }
}
