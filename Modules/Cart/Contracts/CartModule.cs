using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Modules;
using Storefront.Cart.Data;
using Storefront.Cart.Holds;
using Storefront.Cart.Jobs;
using Storefront.Cart.Pricing;
using Storefront.Cart.Storage;

namespace Storefront.Cart.Contracts;

public static class CartModule
{
    public static IServiceCollection AddCartModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CartDbContext>(CartDbContext.Schema, withOutbox: false);
        services.AddOptions<CartOptions>().BindConfiguration("Cart")
            .Validate(o => o.WriteBehindInterval > TimeSpan.Zero && o.WriteBehindInterval <= TimeSpan.FromSeconds(30),
                "Cart:WriteBehindInterval must be more than 0 and at most 30 seconds.")
            .Validate(o => o.Lifetime >= TimeSpan.FromHours(1), "Cart:Lifetime must be at least an hour.")
            .Validate(o => o.MaxLines is > 0 and <= 500, "Cart:MaxLines must be between 1 and 500.")
            .Validate(o => o.ClientHolds.MaxCarts is > 0 and <= 100_000, "Cart:ClientHolds:MaxCarts must be between 1 and 100000.")
            .Validate(o => o.ClientHolds.MaxUnits is > 0 and <= 1_000_000, "Cart:ClientHolds:MaxUnits must be between 1 and 1000000.")
            .Validate(o => o.ClientHolds.MaxLimitedLines is > 0 and <= 100_000, "Cart:ClientHolds:MaxLimitedLines must be between 1 and 100000.")
            .Validate(o => o.ClientHolds.MaxShareOfStock is > 0m and <= 1m, "Cart:ClientHolds:MaxShareOfStock must be more than 0 and at most 1 (a share of on-hand stock).")
            .Validate(o => o.ClientHolds.IPv6PrefixLength is >= 32 and <= 128, "Cart:ClientHolds:IPv6PrefixLength must be between 32 and 128.")
            .ValidateOnStart();
        services.AddSingleton<RedisCartStore>();
        services.AddSingleton<ClientHolds>();
        services.AddScoped<PostgresCartStore>();
        services.AddScoped<CartService>();
        services.AddScoped<ICarts>(sp => sp.GetRequiredService<CartService>());
        services.AddStoreCurrency();
        services.AddScoped<ICartPricing, CartPricing>();
        services.AddScoped<ISavedProducts, Saved.SavedProducts>();
        services.AddSingleton<CartWriteBehind>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CartWriteBehind>());
        services.AddTransient<PurgeAbandonedCartsJob>();
        services.AddTransient<ReleaseOrphanedHoldsJob>();
        return services;
    }

    /// <summary>Registers the cart's recurring Hangfire jobs.</summary>
    public static IServiceProvider UseCartJobs(this IServiceProvider services)
    {
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<PurgeAbandonedCartsJob>(
            PurgeAbandonedCartsJob.Id, job => job.RunAsync(CancellationToken.None), "17 3 * * *");
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<ReleaseOrphanedHoldsJob>(
            ReleaseOrphanedHoldsJob.Id, job => job.RunAsync(CancellationToken.None), "*/5 * * * *");
        return services;
    }
}

/// <summary>Hangfire job "cart:purge-abandoned": deletes anonymous carts untouched for longer than their lifetime.</summary>
public sealed class PurgeAbandonedCartsJob(IServiceScopeFactory scopes)
{
    public const string Id = "cart:purge-abandoned";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var lifetime = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CartOptions>>().Value.Lifetime;
        return await scope.ServiceProvider.GetRequiredService<PostgresCartStore>().PurgeAbandonedAsync(lifetime, cancellationToken);
    }
}
