using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Modules;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;
using Storefront.Inventory.Stock;

namespace Storefront.Inventory;

public static class InventoryModule
{
    public static IServiceCollection AddInventoryModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<InventoryDbContext>(InventoryDbContext.Schema);
        services.AddMemoryCache();
        services.AddScoped<PricesAndStock>();
        services.AddScoped<IPricesAndStock>(sp => sp.GetRequiredService<PricesAndStock>());
        services.AddScoped<IStockBulkLoader>(sp => sp.GetRequiredService<PricesAndStock>());
        return services;
    }
}
