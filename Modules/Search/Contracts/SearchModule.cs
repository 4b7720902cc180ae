using Storefront.BuildingBlocks.Events;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.BuildingBlocks.Modules;
using Storefront.Checkout.Contracts;
using Storefront.Search.Data;
using Storefront.Search.Elasticsearch;
using Storefront.Search.Lucene;
using Storefront.Search.Ranking;

namespace Storefront.Search.Contracts;

public static class SearchModule
{
    public static IServiceCollection AddSearchModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddOptions<SearchOptions>().BindConfiguration("Search")
            .Validate(o => o.Engine is "lucene" or "elasticsearch", "Search:Engine must be \"lucene\" or \"elasticsearch\".")
            .Validate(o => o.Engine != "elasticsearch" || Uri.TryCreate(o.Elasticsearch.Url?.Split(',')[0].Trim(), UriKind.Absolute, out _),
                "Search:Elasticsearch:Url must name the cluster (http://host:9200) when Search:Engine is \"elasticsearch\".")
            .Validate(o => o.PageSize is >= 1 and <= 100, "Search:PageSize must be between 1 and 100.")
            .Validate(o => o.Limits.MaxQueryLength is >= 1 and <= 1000, "Search:Limits:MaxQueryLength must be between 1 and 1000.")
            .Validate(o => o.Limits.MaxWords is >= 1 and <= 32, "Search:Limits:MaxWords must be between 1 and 32.")
            .Validate(o => o.Limits.MaxTypoWords >= 0 && o.Limits.MaxTypoWords <= o.Limits.MaxWords, "Search:Limits:MaxTypoWords must be between 0 and MaxWords.")
            .Validate(o => o.Limits.MaxTypoWordLength is >= 4 and <= 64, "Search:Limits:MaxTypoWordLength must be between 4 and 64.")
            .Validate(o => o.Limits.MaxExpansions is >= 1 and <= 1000, "Search:Limits:MaxExpansions must be between 1 and 1000.")
            .Validate(o => o.Limits.DidYouMeanMaxWords >= 0 && o.Limits.DidYouMeanMaxWords <= o.Limits.MaxWords, "Search:Limits:DidYouMeanMaxWords must be between 0 and MaxWords.")
            .Validate(o => o.Ranking.ClicksPerVisitorPerDay is >= 0 and <= 10_000, "Search:Ranking:ClicksPerVisitorPerDay must be between 0 and 10000.")
            .Validate(o => o.TypoCache.MaxEntries is >= 0 and <= 100_000 && o.TypoCache.MaxCharacters is >= 0 and <= 1_000_000,
                "Search:TypoCache:MaxEntries must be between 0 and 100000 and MaxCharacters between 0 and 1000000.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            var root = options.IndexPath ?? Path.Combine(sp.GetRequiredService<IConfiguration>()["Storefront:DataPath"] ?? ".data", "search");
            return new SwitchableIndex(Path.GetFullPath(root), new TypoAutomata(options.TypoCache.MaxEntries, options.TypoCache.MaxCharacters));
        });
        services.AddSingleton<ISearchIndexes>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            return options.Engine == "elasticsearch"
                ? new ElasticsearchIndexes(ElasticsearchIndexes.Connect(options.Elasticsearch), options.Elasticsearch.Index)
                : sp.GetRequiredService<SwitchableIndex>();
        });
        services.AddSingleton<ISearchEngine>(sp => sp.GetRequiredService<ISearchIndexes>());
        services.AddSingleton<IndexHealth>();
        services.AddModuleDbContext<SearchDbContext>(SearchDbContext.Schema, withOutbox: false);
        services.AddScoped<ShopperHistory>();
        services.AddScoped<PopularitySignals>();
        services.AddScoped<ISearchSignals>(sp => sp.GetRequiredService<PopularitySignals>());
        services.AddEventConsumer<PopularitySignals>("search.popularity", ConsumerScope.OncePerCluster);
        services.AddTransient<PopularityJob>();
        services.AddTransient<Jobs.SearchRebuildJob>();
        services.AddScoped<ISearch, SearchService>();
        services.AddScoped<SearchIndexer>();
        services.AddScoped<ISearchIndexAdmin>(sp => sp.GetRequiredService<SearchIndexer>());
        // A Lucene index lives on each instance's disk, so every instance applies every change; an
        // Elasticsearch index is shared, so one instance does.
        services.AddEventConsumer<SearchIndexer>(SearchIndexer.ConsumerName, sp =>
            sp.GetRequiredService<IOptions<SearchOptions>>().Value.Engine == "elasticsearch" ? ConsumerScope.OncePerCluster : ConsumerScope.OncePerInstance);
        services.AddSingleton<IHostedService, SearchIndexBootstrapper>();
        return services;
    }

    /// <summary>Registers the search module's recurring Hangfire jobs.</summary>
    public static IServiceProvider UseSearchJobs(this IServiceProvider services)
    {
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<PopularityJob>(
            PopularityJob.Id, job => job.RunAsync(CancellationToken.None), "* * * * *");
        return services;
    }
}
