using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Modules;
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
                await services.GetRequiredService<CatalogSeeder>().SeedIfEmptyAsync(demo.DemoProducts, default);
                await services.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(demo.DemoOrders, default);
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
            default:
                throw new ArgumentException($"Unknown command '{args[0]}'. Commands: migrate, seed, seed-large [count] [--orders N], reindex.");
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
        if (options.SeedDemoCatalogOnStartup && await scope.ServiceProvider.GetRequiredService<CatalogSeeder>().SeedIfEmptyAsync(options.DemoProducts, default) > 0)
            await scope.ServiceProvider.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(options.DemoOrders, default);
    }
}
