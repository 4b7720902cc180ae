using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Modules;
using Storefront.Recommendations.Building;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;

namespace Storefront.Recommendations.Contracts;

public static class RecommendationsModule
{
    public static IServiceCollection AddRecommendationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RecommendationsOptions>().BindConfiguration("Recommendations")
            .Validate(o => o.WindowDays is >= 1 and <= 3650, "Recommendations:WindowDays must be between 1 and 3650.")
            .Validate(o => o.TopK is >= 1 and <= 100, "Recommendations:TopK must be between 1 and 100.")
            .Validate(o => o.MinSupport is >= 1 and <= 1000, "Recommendations:MinSupport must be between 1 and 1000.")
            .Validate(o => o.MaxProductsPerCustomer is >= 2 and <= 10_000, "Recommendations:MaxProductsPerCustomer must be between 2 and 10000.")
            .Validate(o => o.FillBelow is >= 0 and <= 100, "Recommendations:FillBelow must be between 0 and 100.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RebuildCron), "Recommendations:RebuildCron must be a cron expression.")
            .ValidateOnStart();
        services.TryAddTimeProvider();
        services.AddModuleDbContext<RecommendationsDbContext>(RecommendationsDbContext.Schema, withOutbox: false);
        services.AddSingleton<ListCache>();
        services.AddSingleton<IRecommendationChanges>(sp => sp.GetRequiredService<ListCache>());
        services.AddScoped<IRecommendations, RecommendationQueries>();
        services.AddScoped<CoPurchaseRebuild>();
        services.AddScoped<IRecommendationsAdmin, Curation.RecommendationsAdmin>();
        services.AddScoped<IRecommendationsEvaluation, OfflineEvaluation>();
        services.AddTransient<RebuildJob>();
        services.AddScoped<ListRefresh>();
        services.AddTransient<RefreshJob>();
        services.AddEventConsumer<PurchaseFeed>(PurchaseFeed.ConsumerName, ConsumerScope.OncePerCluster);
        services.AddEventConsumer<CatalogFeed>(CatalogFeed.ConsumerName, ConsumerScope.OncePerCluster);
        return services;
    }

    /// <summary>Registers the module's recurring Hangfire jobs: the full rebuild, and the refresh of stale lists every minute.</summary>
    public static IServiceProvider UseRecommendationsJobs(this IServiceProvider services)
    {
        var cron = services.GetRequiredService<IOptions<RecommendationsOptions>>().Value.RebuildCron;
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<RebuildJob>(RebuildJob.Id, job => job.RunAsync(CancellationToken.None), cron);
        jobs.AddOrUpdate<RefreshJob>(RefreshJob.Id, job => job.RunAsync(CancellationToken.None), "* * * * *");
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
