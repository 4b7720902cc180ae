using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Events;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Architecture;

/// <summary>Events are stored by name: names are unique, well formed and never stop resolving.</summary>
public sealed class EventNameTests
{
    private static readonly EventTypeRegistry Registry = RegisteredModules.Services.GetRequiredService<EventTypeRegistry>();

    private static IReadOnlyList<string> Published() =>
        File.ReadAllLines(Path.Combine(Repository.Root(), "Storefront.Tests", "Architecture", "published-events.txt"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    [Fact]
    public void Every_name_ever_written_still_resolves_to_a_declared_event()
    {
        var lost = Published().Where(name => Registry.Find(name) is null).ToList();
        Assert.True(lost.Count == 0, $"Stored events named {string.Join(", ", lost)} would no longer be delivered: keep a type declaring each name.");
    }

    [Fact]
    public void Every_declared_event_is_in_the_list_of_published_names()
    {
        var unlisted = Registry.Names.Except(Published(), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(unlisted.Count == 0, $"Add {string.Join(", ", unlisted)} to Storefront.Tests/Architecture/published-events.txt.");
    }

    [Fact]
    public void Two_types_claiming_one_name_stop_the_store_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new EventTypeRegistry([new EventAssembly(typeof(EventNameTests).Assembly)]));
        Assert.Contains("catalog.product-changed.v1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inventory.stock-changed.v1", true)]
    [InlineData("flash-sale.unit-claimed.v12", true)]
    [InlineData("StockChanged", false)]
    [InlineData("inventory.stock-changed", false)]
    [InlineData("inventory.Stock-Changed.v1", false)]
    [InlineData("inventory.stock-changed.v0", false)]
    public void Names_have_the_form_module_what_happened_version(string name, bool wellFormed) =>
        Assert.Equal(wellFormed, IntegrationEventAttribute.IsWellFormed(name));
}

/// <summary>Two test types that claim one name, as a copy-pasted event would.</summary>
[IntegrationEvent("catalog.product-changed.v1")]
internal sealed record ClashingEventA(string Id) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => Id;
}

[IntegrationEvent("catalog.product-changed.v1")]
internal sealed record ClashingEventB(string Id) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => Id;
}
