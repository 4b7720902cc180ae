using Storefront.BuildingBlocks.Events;
using FluentValidation;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Browsing;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Catalog.Images;
using Storefront.Catalog.Jobs;
using Storefront.Catalog.Listing;
using Storefront.Catalog.Products;
using Storefront.Catalog.Seeding;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog;

public static class CatalogModule
{
    public static IServiceCollection AddCatalogModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CatalogDbContext>(CatalogDbContext.Schema);
        services.AddIntegrationEvents(typeof(CatalogModule).Assembly);
        services.AddMemoryCache();
        services.AddOptions<ImageStoreOptions>().BindConfiguration("Storefront:Images")
            .Validate(o => !o.UsesS3 || o.S3.Bucket.Length > 0, "Storefront:Images:S3:Bucket must name the bucket when Storefront:Images:Store is s3.")
            .Validate(o => o.UsesS3 || string.Equals(o.Store, "disk", StringComparison.OrdinalIgnoreCase), "Storefront:Images:Store must be disk or s3.")
            .Validate(o => (o.S3.AccessKey.Length > 0) == (o.S3.SecretKey.Length > 0), "Storefront:Images:S3:AccessKey and SecretKey go together.")
            .ValidateOnStart();
        // Uploads live on the data volume beside the search index and the keys, unless placed elsewhere.
        services.PostConfigure<ImageStoreOptions>(o =>
        {
            if (o.Path.Length == 0) o.Path = Path.Combine(configuration["Storefront:DataPath"] ?? ".data", "images");
        });
        services.AddScoped<CategoryTree>();
        services.AddScoped<CategoryBrowser>();
        services.AddScoped<CategoryFacets>();
        services.AddTransient<RefreshCategoryFacetsJob>();
        services.AddScoped<ICatalogQueries, CatalogQueries>();
        services.AddScoped<ICatalogSearchFeed, CatalogSearchFeed>();
        services.AddScoped<ICatalogSitemap, CatalogSitemap>();
        services.AddStoreCurrency();
        services.AddScoped<ICatalogAdmin, CatalogAdmin>();
        services.AddScoped<IProductReviews, Reviews.ProductReviews>();
        services.AddScoped<ICatalogBulkLoader, CatalogBulkLoader>();
        services.AddScoped<Content.StorePages>();
        services.AddScoped<IStorePages>(sp => sp.GetRequiredService<Content.StorePages>());
        services.AddScoped<IStorePagesAdmin>(sp => sp.GetRequiredService<Content.StorePages>());
        services.AddScoped<IProductFiles, Transfer.ProductFiles>();
        services.AddTransient<Transfer.ProductImportJob>();
        services.AddScoped<IValidator<ProductInput>, ProductInputValidator>();
        services.AddSingleton<LocalDiskImageStore>();
        services.AddSingleton<S3ImageStore>();
        services.AddSingleton<IImageStore>(sp => sp.GetRequiredService<IOptions<ImageStoreOptions>>().Value.UsesS3
            ? sp.GetRequiredService<S3ImageStore>()
            : sp.GetRequiredService<LocalDiskImageStore>());
        // The listing copy lives in PostgreSQL: one instance keeps it. Product pages are cached in
        // each instance's memory: every instance forgets a changed product.
        services.AddEventConsumer<ListingPriceHandlers>("catalog.listing-prices", ConsumerScope.OncePerCluster);
        services.AddEventConsumer<ProductCacheEvictions>("catalog.product-cache", ConsumerScope.OncePerInstance);
        services.AddEventConsumer<Content.StorePageEvictions>(Content.StorePageEvictions.ConsumerName, ConsumerScope.OncePerInstance);
        // The counts live in PostgreSQL too: one instance recounts them; every instance then forgets its copy.
        services.AddEventConsumer<CategoryCountsRecount>(CategoryCountsRecount.ConsumerName, ConsumerScope.OncePerCluster);
        return services;
    }

    /// <summary>Registers the catalog's recurring Hangfire jobs.</summary>
    public static IServiceProvider UseCatalogJobs(this IServiceProvider services)
    {
        // Changes recount their own categories as they happen; this recounts everything, as a safety
        // net (a category whose recount failed), hourly by default.
        var cron = services.GetRequiredService<IConfiguration>()["Catalog:FacetRefreshCron"] ?? "0 * * * *";
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RefreshCategoryFacetsJob>(
            RefreshCategoryFacetsJob.Id, job => job.RunAsync(CancellationToken.None), cron);
        return services;
    }
}
