namespace Storefront.BuildingBlocks.Events;

/// <summary>The "Events" settings.</summary>
public sealed class EventOptions
{
    /// <summary>Whether this instance relays outboxes and runs consumers (tests turn it off to deliver by hand).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often to look for work when no notification came (a lost notification costs at most this).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// The shortest time between two passes of the relay, or of one consumer, when they are woken by
    /// commits. An event that comes alone is delivered at once; under a stream of commits (shoppers
    /// adding to carts) the passes take the events that arrived meanwhile together, instead of a
    /// round of queries per event.
    /// </summary>
    public TimeSpan MinPassInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The delay before the first retry of a failed event; each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failed attempts after which an event is parked for its consumer. With the defaults the retries
    /// span about 2.8 hours (1 s, 2 s, 4 s … 15 min), long enough to ride out an SMTP or search outage.
    /// </summary>
    public int ParkAfterAttempts { get; set; } = 20;

    /// <summary>How long the log keeps events every once-per-cluster consumer has passed.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>After how long without a sign of life an instance's positions are forgotten.</summary>
    public TimeSpan InstanceExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// This instance's name for its once-per-instance positions. By default an id kept in the data
    /// folder, so a restarted instance resumes where it stopped; two processes must not share one.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var doubled = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxRetryDelay.TotalMilliseconds));
    }
}
