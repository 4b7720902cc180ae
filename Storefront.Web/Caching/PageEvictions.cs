using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Caching;

/// <summary>
/// Event consumer "web.page-cache": evicts the cached pages a change shows on. With the default
/// in-memory store it runs on every instance (each evicts its own copy); with the Redis store once
/// for the cluster. A run of events is evicted together, each tag once, so a product selling fast
/// costs one rendering of its page per delivery pass, not one per sale.
/// <list type="bullet">
/// <item>A product edited, published, withdrawn or moved: its pages and every listing.</item>
/// <item>A category created, renamed or moved: every page (the menu is on each).</item>
/// <item>A store page created, changed or deleted: every page (the footer's links are on each).</item>
/// <item>Category counts recounted (after products changed): every listing.</item>
/// <item>A price: every page showing the product.</item>
/// <item>Reviews: every page showing the product (its rating is on each card).</item>
/// <item>Stock: the product's own page always; the pages with its card only when the wording a card
/// shows ("In stock", "Only 3 left", "Out of stock") can have changed.</item>
/// </list>
/// The same tags are evicted again after <see cref="PageCacheOptions.SettleDelay"/>: other consumers
/// of the same event (the catalog's product cache, its listing prices) run beside this one, and a
/// page rendered in between could have read their old copy.
/// </summary>
internal sealed partial class PageEvictions(IOutputCacheStore store, PagePurges purges, IMemoryCache memory, PageEvictions.LowStock low,
    IOptionsMonitor<PageCacheOptions> options, IHostApplicationLifetime lifetime, ILogger<PageEvictions> logger) :
    IIntegrationEventBatchHandler<ProductChangedEvent>,
    IIntegrationEventBatchHandler<PriceChangedEvent>,
    IIntegrationEventBatchHandler<ReviewsChangedEvent>,
    IIntegrationEventBatchHandler<StockChangedEvent>,
    IIntegrationEventBatchHandler<CategoriesChangedEvent>,
    IIntegrationEventBatchHandler<StorePagesChangedEvent>,
    IIntegrationEventBatchHandler<CategoryCountsChangedEvent>
{
    public const string ConsumerName = "web.page-cache";

    /// <summary>
    /// The products this instance last saw with few units left: a restock of one changes its cards'
    /// wording. An instance started since will not know, and the cards say "Only 3 left" until the
    /// page's duration ends.
    /// </summary>
    internal sealed class LowStock
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, byte> Skus { get; } = new(StringComparer.Ordinal);
    }

    public Task HandleAsync(IReadOnlyList<CategoriesChangedEvent> changes, CancellationToken ct) => EvictAsync([PageTags.All], [], ct);

    public Task HandleAsync(IReadOnlyList<StorePagesChangedEvent> changes, CancellationToken ct) => EvictAsync([PageTags.All], [], ct);

    public Task HandleAsync(IReadOnlyList<CategoryCountsChangedEvent> changes, CancellationToken ct) => EvictAsync([PageTags.Listing], [], ct);

    public Task HandleAsync(IReadOnlyList<ProductChangedEvent> changes, CancellationToken ct) =>
        EvictAsync(changes.SelectMany(c => new[] { PageTags.Product(c.Sku), PageTags.ProductId(c.ProductId) }).Append(PageTags.Listing),
            changes.Select(c => c.Sku), ct);

    public Task HandleAsync(IReadOnlyList<PriceChangedEvent> changes, CancellationToken ct) =>
        EvictAsync(changes.Select(c => PageTags.Product(c.Sku)), changes.Select(c => c.Sku), ct);

    public Task HandleAsync(IReadOnlyList<ReviewsChangedEvent> changes, CancellationToken ct) =>
        EvictAsync(changes.Select(c => PageTags.ProductId(c.ProductId)), [], ct);

    public Task HandleAsync(IReadOnlyList<StockChangedEvent> changes, CancellationToken ct)
    {
        var tags = new List<string>();
        var cards = new List<string>();
        foreach (var change in changes)
        {
            tags.Add(PageTags.Stock(change.Sku));
            if (change.Available <= Components.Availability.LowStockThreshold) low.Skus[change.Sku] = 0; // "Only 3 left", "Out of stock"
            else if (!low.Skus.TryRemove(change.Sku, out _)) continue; // "In stock" before and after

            tags.Add(PageTags.Product(change.Sku));
            cards.Add(change.Sku);
        }
        return EvictAsync(tags, cards, ct);
    }

    /// <param name="cards">Products whose suggestion cards this instance keeps (Shopping.ProductCards) are stale too.</param>
    private async Task EvictAsync(IEnumerable<string> tags, IEnumerable<string> cards, CancellationToken ct)
    {
        var distinct = tags.Distinct(StringComparer.Ordinal).ToList();
        foreach (var sku in cards) Shopping.ProductCards.Forget(memory, sku);
        foreach (var tag in distinct) await store.EvictByTagAsync(tag, ct);
        purges.Evicted(distinct);
        _ = EvictAgainAsync(distinct, options.CurrentValue.SettleDelay);
    }

    private async Task EvictAgainAsync(IReadOnlyList<string> tags, TimeSpan after)
    {
        try
        {
            await Task.Delay(after, lifetime.ApplicationStopping);
            foreach (var tag in tags) await store.EvictByTagAsync(tag, lifetime.ApplicationStopping);
            purges.Evicted(tags);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the in-memory pages go with the process.
        }
        catch (Exception ex)
        {
            LogSecondEvictionFailed(ex, tags.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The second eviction of {Count} page tags failed; those pages expire with the cache's duration")]
    private partial void LogSecondEvictionFailed(Exception exception, int count);
}
