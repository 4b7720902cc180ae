using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Modules;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Orders;
using Storefront.FlashSale.Sales;
using Storefront.FlashSale.Selling;

namespace Storefront.FlashSale;

public static class FlashSaleModule
{
    public static IServiceCollection AddFlashSaleModule(this IServiceCollection services, IConfiguration configuration)
    {
        // No events yet: nothing to relay, so no outbox.
        services.AddModuleDbContext<FlashSaleDbContext>(FlashSaleDbContext.Schema, withOutbox: false);
        services.AddStoreCurrency();
        services.AddOptions<FlashSaleOptions>().BindConfiguration("FlashSale")
            .Validate(o => o.PassKey.Length == 0 || IsKey(o.PassKey), "FlashSale:PassKey must be base64 of at least 32 bytes.")
            .Validate(o => o.PreQueueOpensBefore >= TimeSpan.Zero && o.PreQueueOpensBefore <= TimeSpan.FromDays(1), "FlashSale:PreQueueOpensBefore must be between 0 and one day.")
            .Validate(o => o.AdmitInterval >= TimeSpan.FromMilliseconds(20) && o.AdmitInterval <= TimeSpan.FromSeconds(10), "FlashSale:AdmitInterval must be between 20 ms and 10 s.")
            .Validate(o => o.ViewRefresh > TimeSpan.Zero && o.ViewRefresh <= TimeSpan.FromMinutes(1), "FlashSale:ViewRefresh must be above zero and at most a minute.")
            .Validate(o => o.ClaimRecoveryAfter >= TimeSpan.FromSeconds(1), "FlashSale:ClaimRecoveryAfter must be at least a second.")
            .Validate(o => o.OrderMakers is >= 1 and <= 16, "FlashSale:OrderMakers must be between 1 and 16.")
            .ValidateOnStart();
        services.AddScoped<IFlashSaleAdmin, FlashSaleAdmin>();
        services.AddScoped<IFlashSaleRoom, FlashSaleRoom>();
        services.AddSingleton<SaleRoomStore>();
        services.AddSingleton<SaleDirectory>();
        services.AddSingleton<SaleCountersKeeper>();
        services.AddSingleton<SaleAnnouncements>();
        services.AddSingleton(sp => new PassKey(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FlashSaleOptions>>(), ct => StoredPassKeyAsync(sp, ct)));
        services.AddSingleton<Passes>();
        services.AddSingleton<WaitingPlaces>();
        services.AddSingleton<SaleAdmissions>();
        services.AddHostedService(sp => sp.GetRequiredService<SaleAdmissions>());
        services.AddScoped<PurchaseOrders>();
        services.AddScoped<IReservedStock, SaleQuota>();
        services.AddTransient<PurchaseOrderJob>();
        services.AddTransient<SaleOrdersJob>();
        services.AddTransient<SaleOrderMakers>();
        services.AddTransient<RecoverPurchasesJob>();
        return services;
    }

    public static IServiceProvider UseFlashSaleJobs(this IServiceProvider services)
    {
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RecoverPurchasesJob>(
            RecoverPurchasesJob.Id, job => job.RunAsync(CancellationToken.None), "* * * * *");
        return services;
    }

    private static bool IsKey(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written >= 32;
    }

    /// <summary>The pass key kept in PostgreSQL: made by the first instance that needs it, read by the others.</summary>
    private static async Task<byte[]> StoredPassKeyAsync(IServiceProvider services, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>();
        var fresh = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await db.Database.ExecuteSqlAsync($"INSERT INTO flashsale.secrets (name, value) VALUES ('pass-key', {fresh}) ON CONFLICT (name) DO NOTHING", ct);
        return await db.Secrets.Where(s => s.Name == "pass-key").Select(s => s.Value).FirstAsync(ct);
    }
}
