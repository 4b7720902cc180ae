using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.BuildingBlocks;

/// <summary>The stock changes a consumer was given.</summary>
public sealed class WakeUpProbe
{
    public ConcurrentQueue<string> Seen { get; } = new();
}

public sealed class WakeUpRecorder(WakeUpProbe probe) : IIntegrationEventHandler<StockChangedEvent>
{
    public Task HandleAsync(StockChangedEvent e, CancellationToken cancellationToken)
    {
        if (e.Sku.StartsWith("WAKE-", StringComparison.Ordinal)) probe.Seen.Enqueue($"{e.Sku}:{e.OnHand}:{e.Available}");
        return Task.CompletedTask;
    }
}

/// <summary>A store whose delivery loops would look for work only once a minute: only wake-ups can deliver in time.</summary>
public sealed class EventWakeUpFixture : StoreFixture
{
    public static readonly IReadOnlyDictionary<string, string?> SlowPolling = new Dictionary<string, string?> { ["Events:PollInterval"] = "00:01:00" };

    public WakeUpProbe Probe { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => SlowPolling;

    public static void AddRecorder(IServiceCollection services, WakeUpProbe probe)
    {
        services.AddSingleton(probe);
        services.AddEventConsumer<WakeUpRecorder>("test.wake-up", ConsumerScope.OncePerInstance);
    }

    protected override void ConfigureServices(IServiceCollection services) => AddRecorder(services, Probe);
}

public sealed class EventWakeUpTests(EventWakeUpFixture store) : IClassFixture<EventWakeUpFixture>
{
    private static async Task SeenWithinAsync(WakeUpProbe probe, string expected)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !probe.Seen.Contains(expected)) await Task.Delay(20);
        Assert.Contains(expected, probe.Seen);
    }

    [Fact]
    public async Task Every_way_of_committing_an_event_wakes_delivery_on_this_instance_and_on_another_without_waiting_for_a_poll()
    {
        var other = new WakeUpProbe();
        await using var second = new StorefrontFactory(store.ConnectionString, store.RedisConnectionString, EventWakeUpFixture.SlowPolling,
            services => EventWakeUpFixture.AddRecorder(services, other));
        _ = second.Server;
        await second.Services.GetRequiredService<EventDelivery>().RunnersAsync(default);
        // Both instances have started their loops and had their first look at the log.
        await Task.Delay(500);

        using var scope = store.Services.CreateScope();
        var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
        // A save of its own (no transaction around it).
        await stock.EnsureSkuAsync(new SkuSeed("WAKE-1", 5m, "USD", 3), default);
        await SeenWithinAsync(store.Probe, "WAKE-1:3:3");
        await SeenWithinAsync(other, "WAKE-1:3:3");

        // A save inside an explicit transaction: the wake-up comes with the commit.
        await stock.SetOnHandAsync("WAKE-1", 9, new StockChangeContext("test", "Count"), default);
        await SeenWithinAsync(store.Probe, "WAKE-1:9:9");
        await SeenWithinAsync(other, "WAKE-1:9:9");

        // A hand-written batch (a stock hold): it signals after its own commit.
        await scope.ServiceProvider.GetRequiredService<IStockReservations>().ReserveAsync("wake-cart", "WAKE-1", 2, default);
        await SeenWithinAsync(store.Probe, "WAKE-1:9:7");
        await SeenWithinAsync(other, "WAKE-1:9:7");
    }
}
