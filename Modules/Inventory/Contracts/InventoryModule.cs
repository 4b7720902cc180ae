using Storefront.BuildingBlocks.Events;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Modules;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;
using Storefront.Inventory.Jobs;
using Storefront.Inventory.Reservations;
using Storefront.Inventory.Stock;

namespace Storefront.Inventory;

public static class InventoryModule
{
    public static IServiceCollection AddInventoryModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<InventoryDbContext>(InventoryDbContext.Schema);
        services.AddIntegrationEvents(typeof(InventoryModule).Assembly);
        services.AddMemoryCache();
        services.AddScoped<PricesAndStock>();
        services.AddScoped<IPricesAndStock>(sp => sp.GetRequiredService<PricesAndStock>());
        services.AddScoped<IStockBulkLoader>(sp => sp.GetRequiredService<PricesAndStock>());
        services.AddOptions<ReservationOptions>().BindConfiguration("Inventory:Holds")
            .Validate(o => o.HoldDuration > TimeSpan.Zero && o.HoldDuration <= TimeSpan.FromDays(7), "Inventory:Holds:HoldDuration must be between 0 and 7 days.")
            .Validate(o => o.MaxQuantityPerLine is > 0 and <= 10_000, "Inventory:Holds:MaxQuantityPerLine must be between 1 and 10000.")
            .Validate(o => o.MaxShareOfStock is > 0m and <= 1m, "Inventory:Holds:MaxShareOfStock must be more than 0 and at most 1 (a share of on-hand stock, 0.25 for a quarter).")
            .ValidateOnStart();
        services.AddScoped<IStockReservations, StockReservations>();
        services.AddScoped<IStockAlerts, Alerts.StockAlerts>();
        services.AddTransient<ReleaseExpiredHoldsJob>();
        return services;
    }

    /// <summary>Registers the inventory's recurring Hangfire jobs.</summary>
    public static IServiceProvider UseInventoryJobs(this IServiceProvider services)
    {
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<ReleaseExpiredHoldsJob>(
            ReleaseExpiredHoldsJob.Id, job => job.RunAsync(CancellationToken.None), "* * * * *");
        return services;
    }
}
