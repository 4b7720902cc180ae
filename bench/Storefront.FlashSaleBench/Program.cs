using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Storefront.Catalog;
using Storefront.FlashSale;
using Storefront.FlashSale.Contracts;
using Storefront.Inventory;
using Storefront.Inventory.Contracts;

// The merchant's side of bench/flash-sale.sh, through the FlashSale module's own contract against
// the store's PostgreSQL and Redis (ConnectionStrings__Postgres / ConnectionStrings__Redis):
//   setup <slug> <sku> <units> <starts in seconds> <admissions per minute> <purchase window minutes>
//       gives the SKU enough stock, creates the sale (guests allowed, one unit per customer, an hour
//       long) and arms it; prints "SALE id=<id> ...".
//   reconcile <sale id> [seconds to wait]
//       waits until no purchase is still being ordered (and Redis has heard of every order), then
//       prints the reconciliation (claimed in Redis, orders, stock committed) and the dashboard's totals.
var command = args.Length > 0 ? args[0] : "";
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var services = new ServiceCollection()
    .AddSingleton<IConfiguration>(configuration)
    .AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
    .AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration.GetConnectionString("Redis")
        ?? throw new InvalidOperationException("ConnectionStrings__Redis is not set.")))
    .AddInventoryModule(configuration)
    .AddCatalogModule(configuration)
    .AddFlashSaleModule(configuration)
    .BuildServiceProvider();

switch (command)
{
    case "setup" when args.Length == 7:
        return await SetupAsync(args[1], args[2], Int(args[3]), Int(args[4]), Int(args[5]), Int(args[6]));
    case "reconcile" when args.Length is 2 or 3:
        return await ReconcileAsync(Guid.Parse(args[1]), args.Length == 3 ? Int(args[2]) : 0);
    default:
        Console.Error.WriteLine("usage: setup <slug> <sku> <units> <starts in s> <per minute> <window min> | reconcile <sale id> [wait s]");
        return 2;
}

async Task<int> SetupAsync(string slug, string sku, int units, int startsIn, int perMinute, int windowMinutes)
{
    using var scope = services.CreateScope();
    var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
    var sales = scope.ServiceProvider.GetRequiredService<IFlashSaleAdmin>();
    var level = await stock.GetAsync(sku, default) ?? throw new InvalidOperationException($"No SKU {sku}.");
    if (level.Available < units)
    {
        var added = await stock.AdjustOnHandAsync(sku, units - level.Available,
            new StockChangeContext("bench", "Flash sale benchmark", slug), default);
        if (!added.Succeeded) throw new InvalidOperationException($"Stock of {sku} not raised: {added.Problem}");
    }
    var price = Math.Max(0.01m, decimal.Round(level.Price.Amount / 2, 2));
    var starts = DateTimeOffset.UtcNow.AddSeconds(startsIn);
    var created = await sales.CreateAsync(new SaleInput(slug, sku, units, price, starts, starts.AddHours(1), perMinute,
        LimitPerCustomer: 1, PurchaseWindow: TimeSpan.FromMinutes(windowMinutes), GuestsAllowed: true), default);
    if (!created.Succeeded)
    {
        Console.Error.WriteLine("Sale not created: " + string.Join("; ", created.Errors.SelectMany(e => e.Value.Select(p => $"{e.Key}: {p}"))));
        return 1;
    }
    var armed = await sales.ArmAsync(created.Value, "bench", default);
    if (!armed.Succeeded)
    {
        Console.Error.WriteLine($"Sale not armed: {armed.Problem}");
        return 1;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"SALE id={created.Value:N} slug={slug} sku={sku} units={units} price={price} starts_at={starts:O} per_minute={perMinute} window_min={windowMinutes}"));
    return 0;
}

async Task<int> ReconcileAsync(Guid saleId, int waitSeconds)
{
    var waited = Stopwatch.StartNew();
    Reconciliation? account;
    while (true)
    {
        using (var scope = services.CreateScope())
            account = await scope.ServiceProvider.GetRequiredService<IFlashSaleAdmin>().ReconcileAsync(saleId, default);
        if (account is null)
        {
            Console.Error.WriteLine($"No sale {saleId}.");
            return 1;
        }
        // Redis hears of an order just after PostgreSQL has it: wait for both.
        if ((account.Processing == 0 && account.ClaimedInRedis == account.OrdersCreated) || waited.Elapsed.TotalSeconds >= waitSeconds) break;
        await Task.Delay(500);
    }
    SaleDashboard board;
    using (var scope = services.CreateScope())
        board = (await scope.ServiceProvider.GetRequiredService<IFlashSaleAdmin>().DashboardAsync(saleId, default))!;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RECONCILE quota={account.Quota} claimed_in_redis={account.ClaimedInRedis?.ToString(CultureInfo.InvariantCulture) ?? "missing"} orders={account.OrdersCreated} committed={account.StockCommitted} processing={account.Processing} unsold={account.Unsold} balanced={account.Balanced.ToString().ToLowerInvariant()} findings={(account.Findings.Count == 0 ? "none" : string.Join(",", account.Findings.Select(f => f.Code)))} waited_s={waited.Elapsed.TotalSeconds:0.0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"DASHBOARD phase={board.Phase} waiting={board.Waiting} admitted={board.Admitted} claimed={board.Claimed} remaining={board.Remaining} timed_out={board.TimedOut} gave_up={board.GaveUp} declined={board.Declined} refused={string.Join(",", board.Refused.Where(r => r.Value > 0).Select(r => $"{r.Key}:{r.Value}"))}"));
    return 0;
}

static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
