namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// What a handler may ask about the messages it is being given: when the oldest of the current run
/// happened. A handler that keeps something up to date uses it to report how far behind it is.
/// </summary>
public sealed class OutboxDelivery
{
    public DateTimeOffset? OldestOccurredAt { get; internal set; }
}

/// <summary>Undelivered messages of some event types in one module's outbox.</summary>
public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestOccurredAt);

/// <summary>Reads a module outbox's backlog (one is registered per module that has an outbox).</summary>
public interface IOutboxBacklog
{
    Task<OutboxBacklog> PendingAsync(IReadOnlyCollection<Type> eventTypes, CancellationToken cancellationToken);
}

public static class OutboxBacklogExtensions
{
    /// <summary>The backlog of these event types over every module's outbox.</summary>
    public static async Task<OutboxBacklog> PendingAsync(this IEnumerable<IOutboxBacklog> outboxes, IReadOnlyCollection<Type> eventTypes, CancellationToken ct)
    {
        long pending = 0;
        DateTimeOffset? oldest = null;
        foreach (var outbox in outboxes)
        {
            var one = await outbox.PendingAsync(eventTypes, ct);
            pending += one.Pending;
            if (one.OldestOccurredAt is { } at && (oldest is null || at < oldest)) oldest = at;
        }
        return new OutboxBacklog(pending, oldest);
    }
}
