using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Events;

namespace Storefront.Web.Caching;

/// <summary>The cached storefront pages: the policy, the store, the evictions and the CDN purges.</summary>
internal static class PageCacheSetup
{
    public static IServiceCollection AddPageCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PageCacheOptions>().BindConfiguration("PageCache")
            .Validate(o => o.Store is "memory" or "redis", "PageCache:Store must be \"memory\" or \"redis\".")
            .Validate(o => o.Duration > TimeSpan.Zero && o.SearchDuration > TimeSpan.Zero && o.SharedMaxAge >= TimeSpan.Zero && o.StaleWhileRevalidate >= TimeSpan.Zero,
                "PageCache:Duration must be positive, SharedMaxAge and StaleWhileRevalidate not negative.")
            .Validate(o => o.PurgeUrl is null || (o.PurgeUrl.IsAbsoluteUri && o.PurgeUrl.Scheme is "http" or "https"), "PageCache:PurgeUrl must be an http or https address.")
            .ValidateOnStart();
        var shared = string.Equals(configuration["PageCache:Store"], "redis", StringComparison.OrdinalIgnoreCase);
        if (shared)
        {
            services.AddStackExchangeRedisOutputCache(_ => { });
            services.AddOptions<Microsoft.AspNetCore.OutputCaching.StackExchangeRedis.RedisOutputCacheOptions>().Configure<IServiceProvider>((o, sp) =>
            {
                o.InstanceName = "storefront:pages:";
                o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>());
            });
        }
        services.AddOptions<Microsoft.AspNetCore.OutputCaching.OutputCacheOptions>().Configure<IOptionsMonitor<PageCacheOptions>>((o, settings) =>
        {
            o.AddPolicy(PageCachePolicy.Name, new PageCachePolicy(settings));
            o.AddPolicy(PageCachePolicy.SearchName, new PageCachePolicy(settings, RankedForTheVisitorAsync, s => s.SearchDuration < s.Duration ? s.SearchDuration : s.Duration));
        });
        services.AddSingleton<PagePurges>();
        services.AddHostedService(sp => sp.GetRequiredService<PagePurges>());
        services.AddHostedService<RecommendationPages>();
        services.AddHttpClient(PagePurges.Client, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<PageEvictions.LowStock>();
        services.AddEventConsumer<PageEvictions>(PageEvictions.ConsumerName, shared ? ConsumerScope.OncePerCluster : ConsumerScope.OncePerInstance);
        return services;
    }

    /// <summary>
    /// Whether a results page would be ranked by this visitor's own history: sorted by relevance,
    /// for a visitor (cookie or account) who has one. One Redis lookup per such request.
    /// </summary>
    private static async ValueTask<bool> RankedForTheVisitorAsync(HttpContext http)
    {
        if (http.Request.Query["sort"].ToString() is not ("" or "relevance")) return false;
        return Shopping.Visitor.Of(http, create: false) is { } visitor
            && await http.RequestServices.GetRequiredService<Search.Contracts.ISearchSignals>().HasHistoryAsync(visitor, http.RequestAborted);
    }
}
