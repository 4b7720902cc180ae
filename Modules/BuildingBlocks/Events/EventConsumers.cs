using System.Reflection;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.BuildingBlocks.Events;

/// <summary>Who handles an event: one instance of the cluster, or every running instance.</summary>
public enum ConsumerScope
{
    /// <summary>Exactly one instance handles each event: e-mails, fulfilment, copies kept in PostgreSQL.</summary>
    OncePerCluster,

    /// <summary>
    /// Every running instance handles every event: state kept in the instance (its Lucene index, its
    /// memory caches). A new instance starts from the head of the log.
    /// </summary>
    OncePerInstance,
}

/// <summary>
/// A named consumer of integration events: one handler class with a delivery position of its own,
/// so its failures stall and retry only itself.
/// </summary>
public sealed class EventConsumerDefinition
{
    internal EventConsumerDefinition(string name, Type handlerType, Func<IServiceProvider, ConsumerScope> scope)
    {
        Name = name;
        HandlerType = handlerType;
        ScopeOf = scope;
        var handled = new Dictionary<string, (Type Event, bool Batch)>(StringComparer.Ordinal);
        foreach (var contract in handlerType.GetInterfaces().Where(i => i.IsGenericType))
        {
            var definition = contract.GetGenericTypeDefinition();
            if (definition != typeof(IIntegrationEventHandler<>) && definition != typeof(IIntegrationEventBatchHandler<>)) continue;
            var eventType = contract.GetGenericArguments()[0];
            var batch = definition == typeof(IIntegrationEventBatchHandler<>);
            // A handler that takes both a single event and a run of them gets runs.
            var eventName = Events.EventNames.Of(eventType);
            if (!handled.TryGetValue(eventName, out var existing) || batch && !existing.Batch) handled[eventName] = (eventType, batch);
        }
        if (handled.Count == 0) throw new InvalidOperationException($"{handlerType.FullName} handles no integration event.");
        Handled = handled;
    }

    /// <summary>A stable name ("module.what-it-does"): positions and parked events are kept under it.</summary>
    public string Name { get; }

    public Type HandlerType { get; }

    internal Func<IServiceProvider, ConsumerScope> ScopeOf { get; }

    /// <summary>The events it takes, by name, and whether they come as runs.</summary>
    internal IReadOnlyDictionary<string, (Type Event, bool Batch)> Handled { get; }

    public IReadOnlyCollection<string> EventNames => Handled.Keys.ToList();

    private static readonly MethodInfo SingleMethod = typeof(EventConsumerDefinition).GetMethod(nameof(InvokeSingleAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo BatchMethod = typeof(EventConsumerDefinition).GetMethod(nameof(InvokeBatchAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Hands a run of events of one name to the handler, in order.</summary>
    internal Task DeliverAsync(object handler, string eventName, IReadOnlyList<object> events, CancellationToken ct)
    {
        var (eventType, batch) = Handled[eventName];
        var method = (batch ? BatchMethod : SingleMethod).MakeGenericMethod(eventType);
        return (Task)method.Invoke(null, [handler, events, ct])!;
    }

    private static async Task InvokeSingleAsync<TEvent>(object handler, IReadOnlyList<object> events, CancellationToken ct)
    {
        foreach (var e in events) await ((IIntegrationEventHandler<TEvent>)handler).HandleAsync((TEvent)e, ct);
    }

    private static Task InvokeBatchAsync<TEvent>(object handler, IReadOnlyList<object> events, CancellationToken ct) =>
        ((IIntegrationEventBatchHandler<TEvent>)handler).HandleAsync(events.Cast<TEvent>().ToList(), ct);
}

/// <summary>
/// Implemented by a once-per-instance handler whose state outlives the process (a Lucene index on
/// disk): called before delivery starts when the instance has missed events it can no longer read
/// (it was away longer than the log keeps them), so it rebuilds what it can from the source.
/// </summary>
public interface IRecoversMissedEvents
{
    Task RecoverAsync(CancellationToken cancellationToken);
}
