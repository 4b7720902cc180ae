using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Modules;
using Storefront.Inventory;
using Storefront.Inventory.Contracts;

// Reservations per second through IStockReservations against a real PostgreSQL:
//   dotnet run -c Release --project bench/Storefront.Bench -- "<connection string>" [seconds] [workers]
// Each worker loops: reserve 1 unit for its own cart, then release it. "hot" uses one SKU for
// everyone (every operation waits for the same row lock); "spread" picks among 10,000 SKUs.
var connection = args.Length > 0 ? args[0] : throw new ArgumentException("Pass a PostgreSQL connection string.");
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Postgres"] = connection,
    ["Events:Enabled"] = "false",
}).Build();
var services = new ServiceCollection()
    .AddSingleton<IConfiguration>(configuration)
    .AddLogging()
    .AddInventoryModule(configuration)
    .BuildServiceProvider();
foreach (var database in services.GetServices<IModuleDatabase>()) await database.MigrateAsync(default);

const int SpreadSkus = 10_000;
using (var scope = services.CreateScope())
{
    var stock = scope.ServiceProvider.GetRequiredService<IStockBulkLoader>();
    var prices = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
    if (await prices.GetAsync("BENCH-HOT", default) is null)
    {
        await stock.LoadAsync(Enumerable.Range(0, SpreadSkus).Select(i => new SkuSeed($"BENCH-{i:D5}", 10m, "USD", 1_000_000))
            .Append(new SkuSeed("BENCH-HOT", 10m, "USD", 1_000_000)), default);
    }
}

foreach (var mode in new[] { "hot", "spread" })
{
    var latencies = new List<double>[workers];
    var deadline = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var random = new Random(w);
        var mine = latencies[w] = [];
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            var sku = mode == "hot" ? "BENCH-HOT" : $"BENCH-{random.Next(SpreadSkus):D5}";
            using var scope = services.CreateScope();
            var holds = scope.ServiceProvider.GetRequiredService<IStockReservations>();
            var started = Stopwatch.GetTimestamp();
            var result = await holds.ReserveAsync($"bench-{w}", sku, 1, default);
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!result.Succeeded) throw new InvalidOperationException($"Reservation failed: {result.Problem?.Code}");
            await holds.ReleaseAsync($"bench-{w}", sku, default);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode={mode} workers={workers} reservations={all.Length} per_s={all.Length / deadline.Elapsed.TotalSeconds:0} (each followed by a release) reserve_p50_ms={P(0.5):0.00} p95_ms={P(0.95):0.00} p99_ms={P(0.99):0.00}"));
}
