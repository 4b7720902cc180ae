using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Search.Lucene;

namespace Storefront.Search.Contracts;

public static class SearchModule
{
    public static IServiceCollection AddSearchModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddOptions<SearchOptions>().BindConfiguration("Search")
            .Validate(o => o.Engine is "lucene", "Search:Engine must be \"lucene\".")
            .Validate(o => o.PageSize is >= 1 and <= 100, "Search:PageSize must be between 1 and 100.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            var root = options.IndexPath ?? Path.Combine(sp.GetRequiredService<IConfiguration>()["Storefront:DataPath"] ?? ".data", "search");
            return new SwitchableIndex(Path.GetFullPath(root));
        });
        services.AddSingleton<ISearchEngine>(sp => sp.GetRequiredService<SwitchableIndex>());
        services.AddSingleton<IndexHealth>();
        services.AddScoped<ISearch, SearchService>();
        services.AddScoped<SearchIndexer>();
        services.AddScoped<ISearchIndexAdmin>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddScoped<IIntegrationEventHandler<ProductChangedEvent>>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddScoped<IIntegrationEventHandler<ReviewsChangedEvent>>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddScoped<IIntegrationEventHandler<PriceChangedEvent>>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddScoped<IIntegrationEventBatchHandler<StockChangedEvent>>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddSingleton<IHostedService, SearchIndexBootstrapper>();
        return services;
    }
}
