namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// Handles an integration event delivered from another module's outbox. Delivery is at least once,
/// so handlers must be idempotent.
/// </summary>
public interface IIntegrationEventHandler<in TEvent>
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}
