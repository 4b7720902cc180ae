namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// What a handler may ask about the events it is being given: when the oldest of the current run
/// happened. A handler that keeps something up to date uses it to report how far behind it is.
/// </summary>
public sealed class OutboxDelivery
{
    public DateTimeOffset? OldestOccurredAt { get; internal set; }
}
