using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Modules;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale;

public static class FlashSaleModule
{
    public static IServiceCollection AddFlashSaleModule(this IServiceCollection services, IConfiguration configuration)
    {
        // No events yet: nothing to relay, so no outbox.
        services.AddModuleDbContext<FlashSaleDbContext>(FlashSaleDbContext.Schema, withOutbox: false);
        services.AddStoreCurrency();
        services.AddScoped<IFlashSaleAdmin, FlashSaleAdmin>();
        services.AddSingleton<Selling.SaleCounters>();
        return services;
    }
}
