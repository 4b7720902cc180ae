using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.BuildingBlocks;

/// <summary>The price changes one running instance was given, by consumer.</summary>
public sealed class InstanceProbe
{
    public ConcurrentQueue<string> PerInstance { get; } = new();
    public ConcurrentQueue<string> PerCluster { get; } = new();
}

public sealed class PerInstanceCounter(InstanceProbe probe) : IIntegrationEventHandler<PriceChangedEvent>
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken)
    {
        if (e.Sku.StartsWith("TWO-", StringComparison.Ordinal)) probe.PerInstance.Enqueue(e.Sku);
        return Task.CompletedTask;
    }
}

public sealed class PerClusterCounter(InstanceProbe probe) : IIntegrationEventHandler<PriceChangedEvent>
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken)
    {
        if (e.Sku.StartsWith("TWO-", StringComparison.Ordinal)) probe.PerCluster.Enqueue(e.Sku);
        return Task.CompletedTask;
    }
}

/// <summary>A store whose events run by themselves, as in production, with one consumer of each scope.</summary>
public sealed class EventInstancesFixture : StoreFixture
{
    public InstanceProbe Probe { get; } = new();

    public static void AddConsumers(IServiceCollection services, InstanceProbe probe)
    {
        services.AddSingleton(probe);
        services.AddEventConsumer<PerInstanceCounter>("test.per-instance", ConsumerScope.OncePerInstance);
        services.AddEventConsumer<PerClusterCounter>("test.per-cluster", ConsumerScope.OncePerCluster);
    }

    protected override void ConfigureServices(IServiceCollection services) => AddConsumers(services, Probe);
}

public sealed class EventInstancesTests(EventInstancesFixture store) : IClassFixture<EventInstancesFixture>
{
    [Fact]
    public async Task Every_instance_gets_each_event_of_a_once_per_instance_consumer_and_one_instance_gets_each_of_a_once_per_cluster_one()
    {
        var second = new InstanceProbe();
        await using var other = new StorefrontFactory(store.ConnectionString, store.RedisConnectionString, null,
            services => EventInstancesFixture.AddConsumers(services, second));
        _ = other.Server;
        var otherDelivery = other.Services.GetRequiredService<EventDelivery>();
        await otherDelivery.RunnersAsync(default); // the second instance has started from the head
        Assert.NotEqual(store.Services.GetRequiredService<EventDelivery>().InstanceId, otherDelivery.InstanceId);

        using (var scope = store.Services.CreateScope())
        {
            var prices = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
            for (var i = 0; i < 10; i++) await prices.EnsureSkuAsync(new SkuSeed($"TWO-{i}", 10m + i, "USD", 5), default);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (store.Probe.PerInstance.Count < 10 || second.PerInstance.Count < 10
            || store.Probe.PerCluster.Count + second.PerCluster.Count < 10)) await Task.Delay(50);
        await Task.Delay(300); // a second delivery of a once-per-cluster event would have arrived by now

        var expected = Enumerable.Range(0, 10).Select(i => $"TWO-{i}").ToList();
        Assert.Equal(expected, store.Probe.PerInstance);
        Assert.Equal(expected, second.PerInstance);
        Assert.Equal(expected, store.Probe.PerCluster.Concat(second.PerCluster).Order(StringComparer.Ordinal));
    }
}
