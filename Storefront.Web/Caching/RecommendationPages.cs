using Microsoft.AspNetCore.OutputCaching;
using Storefront.Recommendations.Contracts;

namespace Storefront.Web.Caching;

/// <summary>
/// A product's recommendations are on its own page: when its list changes (a merchant's pin or
/// block, a refresh after new orders, on this instance or another), the page is evicted so the
/// next view shows the change; after a rebuild, every product page.
/// </summary>
internal sealed partial class RecommendationPages(IRecommendationChanges changes, IOutputCacheStore store, PagePurges purges,
    ILogger<RecommendationPages> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        changes.ListChanged += OnListChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        changes.ListChanged -= OnListChanged;
        return Task.CompletedTask;
    }

    private void OnListChanged(string? sku) => _ = EvictAsync(sku is null ? PageTags.ProductPages : PageTags.Stock(sku));

    private async Task EvictAsync(string tag)
    {
        try
        {
            await store.EvictByTagAsync(tag, CancellationToken.None);
            purges.Evicted([tag]);
        }
        catch (Exception ex)
        {
            LogEvictionFailed(ex, tag);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pages under {Tag} could not be evicted after a recommendation change; they expire with the cache's duration")]
    private partial void LogEvictionFailed(Exception exception, string tag);
}
