using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Storefront.BuildingBlocks.Events;

/// <summary>
/// An event another module may consume. It is stored under its declared name, never its .NET type
/// name, so a class can be renamed or moved while rows written under the old name are pending.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>
    /// What the event is about (a product, a SKU, an order). A consumer gets one subject's events in
    /// the order they were logged, and when one of them is parked the later ones wait behind it.
    /// </summary>
    string Subject { get; }
}

/// <summary>
/// The stable name of an integration event: "module.what-happened.vN". A change a consumer of the
/// old shape could not read gets a new version and a new class; the old name keeps resolving for
/// as long as rows under it may exist.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed partial class IntegrationEventAttribute(string name) : Attribute
{
    public string Name { get; } = IsWellFormed(name) ? name
        : throw new ArgumentException($"\"{name}\" is not an event name of the form module.what-happened.v1.", nameof(name));

    public static bool IsWellFormed(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9]*(-[a-z0-9]+)*\.v[1-9][0-9]*$")]
    private static partial Regex NamePattern();
}

/// <summary>The declared names of event types.</summary>
public static class EventNames
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    public static string Of<TEvent>() => Of(typeof(TEvent));

    public static string Of(Type eventType) => Names.GetOrAdd(eventType, static t =>
        t.GetCustomAttribute<IntegrationEventAttribute>()?.Name
        ?? throw new InvalidOperationException($"{t.FullName} has no [IntegrationEvent(\"module.what-happened.v1\")] name."));

    /// <summary>Every event type an assembly declares.</summary>
    public static IEnumerable<Type> DeclaredIn(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.GetCustomAttribute<IntegrationEventAttribute>() is not null);
}

/// <summary>
/// Every event type the running modules declare, by name. Two types claiming one name stop the
/// host at start (and a test), since a row could not say which of them it is.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _byClrName = new(StringComparer.Ordinal);

    public EventTypeRegistry(IEnumerable<EventAssembly> assemblies)
    {
        foreach (var type in assemblies.Select(a => a.Assembly).Distinct().SelectMany(EventNames.DeclaredIn))
        {
            var name = EventNames.Of(type);
            if (_byName.TryGetValue(name, out var other) && other != type)
                throw new InvalidOperationException($"Event name \"{name}\" is claimed by both {other.FullName} and {type.FullName}.");
            if (!typeof(IIntegrationEvent).IsAssignableFrom(type))
                throw new InvalidOperationException($"{type.FullName} is named \"{name}\" but does not say what it is about (IIntegrationEvent.Subject).");
            _byName[name] = type;
            _byClrName[type.FullName!] = type;
        }
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public Type? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The name a stored type refers to: a declared name as it is, or the assembly-qualified .NET
    /// name that rows written before events were named carry.
    /// </summary>
    public string? Resolve(string stored)
    {
        if (_byName.ContainsKey(stored)) return stored;
        var clrName = stored.Split(',')[0].Trim();
        return _byClrName.TryGetValue(clrName, out var type) ? EventNames.Of(type) : null;
    }
}

/// <summary>An assembly whose declared events the registry knows (each module registers its own).</summary>
public sealed record EventAssembly(Assembly Assembly);
