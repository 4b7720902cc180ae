using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Modules;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Seeding;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Start-up work and the host's commands: "migrate", "seed", "seed-large [count] [--orders N]" and "reindex".
/// </summary>
internal static class HostCommands
{
    public static async Task MigrateAllAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Storefront.Migrations");
        foreach (var database in services.GetServices<IModuleDatabase>())
        {
            logger.LogInformation("Migrating {Module}", database.Module);
            await database.MigrateAsync(ct);
        }
    }

    /// <summary>Runs a command given on the command line; returns false when there was none.</summary>
    public static async Task<bool> TryRunCommandAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return false;
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (args[0])
        {
            case "migrate":
                await services.MigrateAllAsync();
                return true;
            case "seed":
                var demo = services.GetRequiredService<IOptions<StorefrontOptions>>().Value;
                await services.MigrateAllAsync();
                // Generated orders only go with the generated catalog: a real store without orders yet gets none.
                await services.SeedDemoStoreAsync(demo);
                return true;
            case "seed-large":
                var count = args.Length > 1 && int.TryParse(args[1], out var n) && n > 0 ? n : 1_000_000;
                var orders = OrdersSwitch(args);
                await services.MigrateAllAsync();
                await services.GetRequiredService<CatalogSeeder>().SeedIfEmptyAsync(count, default);
                if (orders > 0) await services.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(orders, default);
                return true;
            case "reindex":
                await services.MigrateAllAsync();
                var started = System.Diagnostics.Stopwatch.StartNew();
                var indexed = await services.GetRequiredService<Storefront.Search.Contracts.ISearchIndexAdmin>().RebuildAsync(default);
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Search index rebuilt: {indexed} products in {started.Elapsed.TotalSeconds:0.0} s"));
                return true;
            case "recommendations":
                await services.MigrateAllAsync();
                await RecommendationsCommandAsync(services, args);
                return true;
            case "products":
                await services.MigrateAllAsync();
                await ProductsCommandAsync(services, args);
                return true;
            default:
                throw new ArgumentException($"Unknown command '{args[0]}'. Commands: migrate, seed, seed-large [count] [--orders N], reindex, recommendations rebuild|refresh|evaluate [held-out orders], products export|import <file> [--apply].");
        }
    }

    /// <summary>
    /// "recommendations rebuild": the nightly job now, with its time and the process's peak memory;
    /// "recommendations refresh": the stale lists computed again now (the minute job);
    /// "recommendations evaluate [N]": the offline evaluation on N held-out orders (10,000 by default).
    /// </summary>
    private static async Task RecommendationsCommandAsync(IServiceProvider services, string[] args)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        switch (args.Length > 1 ? args[1] : "")
        {
            case "rebuild":
                var report = await services.GetRequiredService<Storefront.Recommendations.Contracts.IRecommendationsAdmin>().RebuildAsync(default);
                using (var self = System.Diagnostics.Process.GetCurrentProcess())
                    Console.WriteLine(string.Create(inv,
                        $"rebuild: {report.Took.TotalSeconds:0.0} s, {report.Orders} orders, {report.Lines} lines, {report.Customers} customers, {report.Products} products, {report.PairsKept} list entries; peak working set {self.PeakWorkingSet64 / 1048576.0:0} MiB, managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0} MiB"));
                break;
            case "refresh":
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var refreshed = await services.GetRequiredService<Storefront.Recommendations.Contracts.IRecommendationsAdmin>().RefreshStaleAsync(default);
                Console.WriteLine(string.Create(inv, $"refresh: {refreshed} stale lists computed again in {watch.Elapsed.TotalSeconds:0.0} s"));
                break;
            case "evaluate":
                var held = args.Length > 2 && int.TryParse(args[2], out var h) && h > 0 ? h : 10_000;
                var e = await services.GetRequiredService<Storefront.Recommendations.Contracts.IRecommendationsEvaluation>().EvaluateAsync(held, default);
                Console.WriteLine(string.Create(inv, $"held out: {e.HeldOut} orders, one product hidden in each, {e.Shown} shown; took {e.Took.TotalSeconds:0.0} s"));
                foreach (var m in new[] { e.Ours, e.Naive, e.Popular })
                    Console.WriteLine(string.Create(inv,
                        $"{m.Method}: hit rate {m.HitRate:P1}, precision@{e.Shown} {m.PrecisionAt5:P2}, hits {m.Hits}, answered {m.Answered:P1}; hit rate when the hidden product is not a best-seller (top 1 %, {m.HeldOutBeyondBestSellers} orders) {m.HitRateBeyondBestSellers:P1}"));
                break;
            default:
                throw new ArgumentException("Use: recommendations rebuild | recommendations refresh | recommendations evaluate [held-out orders]");
        }
    }

    /// <summary>
    /// "products export FILE": every product as CSV; "products import FILE [--apply]": the file checked
    /// as the merchant's import page checks it (its problems, or the changes it would make) and, with
    /// --apply, applied here and now, with the time each part took.
    /// </summary>
    private static async Task ProductsCommandAsync(IServiceProvider services, string[] args)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var files = services.GetRequiredService<Storefront.Catalog.Contracts.IProductFiles>();
        var path = args.Length > 2 ? args[2] : throw new ArgumentException("Use: products export FILE | products import FILE [--apply]");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        switch (args[1])
        {
            case "export":
                await using (var output = File.Create(path)) await files.ExportAsync(output, default);
                Console.WriteLine(string.Create(inv, $"export: {new FileInfo(path).Length / 1048576.0:0.0} MiB in {watch.Elapsed.TotalSeconds:0.00} s"));
                break;
            case "import":
                Storefront.Catalog.Contracts.ImportCheckResult result;
                await using (var input = File.OpenRead(path)) result = await files.CheckAsync(Path.GetFileName(path), input, "command line", default);
                var words = services.GetRequiredService<Storefront.Web.Words.OutcomeText>();
                if (result.ImportId is not { } id)
                {
                    foreach (var p in result.Problems) Console.WriteLine(string.Create(inv, $"line {p.Line}, {p.Column}: {words.Of(p.Problem)}"));
                    throw new ArgumentException(string.Create(inv, $"{result.ProblemCount} problems: nothing was imported."));
                }
                var preview = (await files.GetAsync(id, 0, default))!;
                Console.WriteLine(string.Create(inv, $"check: {preview.Lines} lines, {preview.Creates} new, {preview.Updates} changed, {preview.Unchanged} unchanged in {watch.Elapsed.TotalSeconds:0.00} s"));
                if (!args.Contains("--apply") || !preview.CanApply) break;
                watch.Restart();
                await files.ApplyNowAsync(id, "command line", default);
                var applied = (await files.GetAsync(id, 0, default))!;
                Console.WriteLine(string.Create(inv, $"apply: {applied.Done} applied, {applied.Skipped} skipped in {watch.Elapsed.TotalSeconds:0.00} s"));
                break;
            default:
                throw new ArgumentException("Use: products export FILE | products import FILE [--apply]");
        }
    }

    /// <summary>"--orders N" (a generated order history for the benchmarks; N defaults to 1,000,000), or 0 without the switch.</summary>
    private static int OrdersSwitch(string[] args)
    {
        var at = Array.IndexOf(args, "--orders");
        if (at < 0) return 0;
        return at + 1 < args.Length && int.TryParse(args[at + 1], out var n) && n > 0 ? n : 1_000_000;
    }

    /// <summary>What happens at every start: migrations, the first admin, the demo catalog.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<StorefrontOptions>>().Value;
        using var scope = app.Services.CreateScope();
        if (options.MigrateOnStartup) await scope.ServiceProvider.MigrateAllAsync();
        await scope.ServiceProvider.GetRequiredService<AdminBootstrapper>().EnsureAdminAsync();
        if (options.SeedDemoCatalogOnStartup) await scope.ServiceProvider.SeedDemoStoreAsync(options);
    }

    /// <summary>
    /// The demo store in an empty database: the generated catalog, then (only with it) the generated
    /// order history, a discount code to try at checkout and sample store pages (terms, privacy,
    /// shipping, contact). A real store without orders yet gets none of them.
    /// </summary>
    internal static async Task SeedDemoStoreAsync(this IServiceProvider services, StorefrontOptions options)
    {
        if (await services.GetRequiredService<CatalogSeeder>().SeedIfEmptyAsync(options.DemoProducts, default) == 0) return;
        await services.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(options.DemoOrders, default);
        await services.GetRequiredService<IDiscountCodes>().CreateAsync(
            new DiscountInput(DemoDiscountCode, DiscountKind.Percent, 10, OncePerCustomer: true), default);
        var pages = services.GetRequiredService<Storefront.Catalog.Contracts.IStorePagesAdmin>();
        foreach (var page in Seeding.DemoPages.All()) await pages.CreateAsync(page, null, default);
    }

    /// <summary>The demo store's discount code: 10 % off, once per customer.</summary>
    public const string DemoDiscountCode = "WELCOME10";
}
