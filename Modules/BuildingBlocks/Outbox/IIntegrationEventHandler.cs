namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// Handles an integration event delivered from another module's outbox. Delivery is at least once,
/// so handlers must be idempotent.
/// </summary>
public interface IIntegrationEventHandler<in TEvent>
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Handles a run of consecutive events of one type together, for example as one multi-row write
/// instead of a transaction per event. The events come in the order they were raised; delivery is
/// at least once, so handlers must be idempotent.
/// </summary>
public interface IIntegrationEventBatchHandler<in TEvent>
{
    Task HandleAsync(IReadOnlyList<TEvent> integrationEvents, CancellationToken cancellationToken);
}
