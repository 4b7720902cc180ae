using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.BuildingBlocks;

/// <summary>A store whose outbox is delivered only when a test asks, with a handler that records what it is given.</summary>
public sealed class OutboxOrderFixture : StoreFixture
{
    public ConcurrentQueue<int> Seen { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Outbox:Enabled"] = "false",
        ["Outbox:BatchSize"] = "25",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IIntegrationEventHandler<StockChangedEvent>>(new Recorder(Seen));

    private sealed class Recorder(ConcurrentQueue<int> seen) : IIntegrationEventHandler<StockChangedEvent>
    {
        public async Task HandleAsync(StockChangedEvent e, CancellationToken ct)
        {
            if (e.Sku != "ORDER-TEST") return;
            seen.Enqueue(e.OnHand);
            await Task.Yield(); // give a concurrent delivery every chance to overtake
        }
    }
}

public sealed class OutboxOrderTests(OutboxOrderFixture store) : IClassFixture<OutboxOrderFixture>
{
    [Fact]
    public async Task Dispatchers_running_side_by_side_deliver_one_subjects_events_in_the_order_they_happened()
    {
        var start = DateTimeOffset.UtcNow;
        await using (var connection = new NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var batch = new NpgsqlBatch(connection);
            for (var i = 0; i < 200; i++)
                batch.BatchCommands.Add(OutboxSql.Insert(InventoryDbContext.Schema, new StockChangedEvent("ORDER-TEST", i, i), start.AddMilliseconds(i)));
            await batch.ExecuteNonQueryAsync();
        }

        // Four dispatchers (as if on four instances) share the outbox until it is empty.
        var dispatcher = store.Services.GetRequiredService<OutboxDispatcher<InventoryDbContext>>();
        var backlog = (IOutboxBacklog)dispatcher;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await backlog.PendingAsync([typeof(StockChangedEvent)], default)).Pending > 0)
                await dispatcher.DispatchOnceAsync(default);
        }));
        await Task.WhenAll(workers);

        Assert.Equal(Enumerable.Range(0, 200), store.Seen);
    }
}
