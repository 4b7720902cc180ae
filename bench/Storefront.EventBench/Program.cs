using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory;
using Storefront.Inventory.Contracts;

// Delay from a committed change to its event's handler, through the real outbox delivery:
//   dotnet run -c Release --project bench/Storefront.EventBench -- "<connection string>" [changes] [workers]
// "trickle" makes one price change every 20 ms from one writer (a merchant at work: each event
// waits for delivery on its own); "burst" makes the changes as fast as the workers can (a bulk
// import: events queue up behind each other). The delay is measured from the moment the writing
// call returned (its transaction committed) to the moment the handler was called.
var connection = args.Length > 0 ? args[0] : throw new ArgumentException("Pass a PostgreSQL connection string.");
var changes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;

var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connection });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddInventoryModule(builder.Configuration);
var seen = new ConcurrentDictionary<string, long>();
builder.Services.AddSingleton(seen);
Consumers.Register(builder.Services);
using var host = builder.Build();
foreach (var database in host.Services.GetServices<IModuleDatabase>()) await database.MigrateAsync(default);
await host.StartAsync();

const int Skus = 1000;
using (var scope = host.Services.CreateScope())
{
    var stock = scope.ServiceProvider.GetRequiredService<IStockBulkLoader>();
    var prices = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
    if (await prices.GetAsync("EVBENCH-0000", default) is null)
        await stock.LoadAsync(Enumerable.Range(0, Skus).Select(i => new SkuSeed($"EVBENCH-{i:D4}", 10m, "USD", 100)), default);
}

var run = 0;
foreach (var mode in new[] { "trickle", "burst" })
{
    run++;
    seen.Clear();
    var committed = new ConcurrentDictionary<string, long>();
    var next = -1;
    var writers = mode == "trickle" ? 1 : workers;
    var started = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < changes)
        {
            // A price of its own per change, so the handler can tell which change it is seeing.
            var amount = 10m + run * 1000 + i / 100m;
            using var scope = host.Services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<IPricesAndStock>()
                .SetPriceAsync($"EVBENCH-{i % Skus:D4}", amount, "USD", default);
            if (!result.Succeeded) throw new InvalidOperationException(result.Problem?.Code);
            committed[Key(i % Skus, amount)] = Stopwatch.GetTimestamp();
            if (mode == "trickle") await Task.Delay(20);
        }
    })));
    var written = started.Elapsed;
    var deadline = Stopwatch.StartNew();
    while (seen.Count(s => committed.ContainsKey(s.Key)) < changes && deadline.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(50);
    var delays = committed.Select(c => seen.TryGetValue(c.Key, out var at) ? Stopwatch.GetElapsedTime(c.Value, at).TotalMilliseconds : double.NaN)
        .Where(d => !double.IsNaN(d)).Order().ToArray();
    double P(double q) => delays[Math.Min(delays.Length - 1, (int)(q * delays.Length))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode={mode} writers={writers} changes={changes} delivered={delays.Length} written_in_s={written.TotalSeconds:0.0} delay_p50_ms={P(0.5):0.0} p95_ms={P(0.95):0.0} p99_ms={P(0.99):0.0} max_ms={delays[^1]:0.0}"));
}
await host.StopAsync();

static string Key(int sku, decimal amount) => string.Create(CultureInfo.InvariantCulture, $"EVBENCH-{sku:D4}@{amount:0.00}");

/// <summary>Records when each price change reached a handler.</summary>
internal sealed class Recorder(ConcurrentDictionary<string, long> seen) : IIntegrationEventHandler<PriceChangedEvent>
{
    public Task HandleAsync(PriceChangedEvent e, CancellationToken cancellationToken)
    {
        seen.TryAdd(string.Create(CultureInfo.InvariantCulture, $"{e.Sku}@{e.Amount:0.00}"), Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }
}

internal static class Consumers
{
    public static void Register(IServiceCollection services) =>
        services.AddEventConsumer<Recorder>("bench.recorder", ConsumerScope.OncePerCluster);
}
