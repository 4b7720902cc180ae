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
    public ConcurrentQueue<DateTimeOffset> Recoveries { get; } = new();
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

/// <summary>A once-per-instance consumer with state of its own to rebuild, counting its recoveries.</summary>
public sealed class RecoveringConsumer(InstanceProbe probe) : IIntegrationEventHandler<PriceChangedEvent>, IRecoversMissedEvents
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken)
    {
        if (e.Sku.StartsWith("BACK-", StringComparison.Ordinal)) probe.PerInstance.Enqueue(e.Sku);
        return Task.CompletedTask;
    }

    public Task RecoverAsync(CancellationToken cancellationToken)
    {
        probe.Recoveries.Enqueue(DateTimeOffset.UtcNow);
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

    [Fact]
    public async Task An_instance_back_after_the_log_dropped_what_it_missed_recovers_from_the_source_once_and_goes_on_from_the_head()
    {
        // Some events are logged, and the oldest has been cleaned up since the instance last delivered.
        using (var scope = store.Services.CreateScope())
        {
            var prices = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
            for (var i = 0; i < 3; i++) await prices.EnsureSkuAsync(new SkuSeed($"GONE-{i}", 5m, "USD", 1), default);
        }
        await store.DrainOutboxAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                WITH oldest AS (SELECT min(position) AS p FROM events.event_log)
                INSERT INTO events.consumer_positions (consumer, instance, position, attempts, seen_at)
                SELECT 'test.recovering', 'returning-1', oldest.p - 1, 0, now() FROM oldest;
                DELETE FROM events.event_log WHERE position = (SELECT min(position) FROM events.event_log);
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        var probe = new InstanceProbe();
        await using var back = new StorefrontFactory(store.ConnectionString, store.RedisConnectionString,
            new Dictionary<string, string?> { ["Events:InstanceId"] = "returning-1" },
            services =>
            {
                services.AddSingleton(probe);
                services.AddEventConsumer<RecoveringConsumer>("test.recovering", ConsumerScope.OncePerInstance);
            });
        _ = back.Server;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && probe.Recoveries.IsEmpty) await Task.Delay(50);
        Assert.Single(probe.Recoveries);

        // From the head on it gets what happens, and does not recover again.
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed("BACK-1", 5m, "USD", 1), default);
        while (DateTime.UtcNow < deadline && probe.PerInstance.IsEmpty) await Task.Delay(50);
        Assert.Equal(["BACK-1"], probe.PerInstance);
        Assert.Single(probe.Recoveries);
    }
}
