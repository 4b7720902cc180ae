using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Search.Contracts;

namespace Storefront.Search;

/// <summary>
/// Keeps the index true: catalog, price, stock and review events (delivered at least once, in order,
/// through the outbox) re-read the products they touch from the catalog and replace their
/// documents, so a repeated or late event can only write the current state.
/// </summary>
internal sealed class SearchIndexer(ISearchEngine engine, ICatalogSearchFeed feed, Lucene.SwitchableIndex index, IndexHealth health) :
    IIntegrationEventHandler<ProductChangedEvent>,
    IIntegrationEventHandler<ReviewsChangedEvent>,
    IIntegrationEventHandler<PriceChangedEvent>,
    IIntegrationEventBatchHandler<StockChangedEvent>,
    ISearchIndexAdmin
{
    public Task HandleAsync(ProductChangedEvent e, CancellationToken ct) => ReindexAsync([e.ProductId], [], ct);

    public Task HandleAsync(ReviewsChangedEvent e, CancellationToken ct) => ReindexAsync([e.ProductId], [], ct);

    public Task HandleAsync(PriceChangedEvent e, CancellationToken ct) => ReindexAsync([], [e.Sku], ct);

    public Task HandleAsync(IReadOnlyList<StockChangedEvent> events, CancellationToken ct) =>
        ReindexAsync([], events.Select(e => e.Sku).Distinct().ToList(), ct);

    private async Task ReindexAsync(IReadOnlyCollection<Guid> ids, IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        try
        {
            var current = await feed.CurrentAsync(ids, skus, ct);
            var published = current.Where(s => s.Published).Select(ToDocument).ToList();
            if (published.Count > 0) await engine.IndexAsync(published, ct);
            var gone = current.Where(s => !s.Published).Select(s => s.ProductId).ToList();
            if (gone.Count > 0) await engine.DeleteAsync(gone, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded for the admin page; the outbox delivers the event again.
            health.Failed(ex);
            throw;
        }
    }

    internal static SearchDocument ToDocument(SearchSource s) => new(s.ProductId, s.Sku, s.Slug, s.Title, s.Description, s.Brand,
        s.CategorySlugs, s.Price, s.Currency, s.Rating, s.ReviewCount, s.Available, s.ReviewCount * (double)s.Rating, s.CreatedAt)
    {
        CategoryNames = s.CategoryNames,
    };

    public async Task<long> RebuildAsync(CancellationToken ct)
    {
        if (!index.TryBeginRebuild(out var building)) return 0;
        var started = DateTimeOffset.UtcNow;
        long count = 0;
        try
        {
            Guid? after = null;
            while (true)
            {
                var batch = await feed.BatchAsync(after, 2000, ct);
                if (batch.Count == 0) break;
                await building.IndexAsync(batch.Where(s => s.Published).Select(ToDocument).ToList(), ct);
                count += batch.Count;
                after = batch[^1].ProductId;
            }
            index.EndRebuild(succeeded: true);
            health.Rebuilt(count, DateTimeOffset.UtcNow - started);
            return count;
        }
        catch (Exception ex)
        {
            index.EndRebuild(succeeded: false);
            health.Failed(ex);
            throw;
        }
    }

    public Task<long> CountAsync(CancellationToken ct) => engine.CountAsync(ct);

    public async Task<SearchIndexStatus> StatusAsync(CancellationToken ct) =>
        new("Lucene.Net", index.LiveDirectory, await engine.CountAsync(ct), index.LastChangeAt, index.RebuildingSince,
            health.LastError, health.LastErrorAt, health.LastRebuild);
}

/// <summary>What the admin page shows about the index's recent history.</summary>
internal sealed class IndexHealth
{
    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public string? LastRebuild { get; private set; }

    public void Failed(Exception ex) => (LastError, LastErrorAt) = (ex.Message, DateTimeOffset.UtcNow);

    public void Rebuilt(long count, TimeSpan took) =>
        LastRebuild = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count} products in {took.TotalSeconds:0.0} s, finished {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
}

/// <summary>Builds the index from the catalog when it is missing or empty (a new store, a lost volume).</summary>
internal sealed partial class SearchIndexBootstrapper(IServiceScopeFactory scopes, ILogger<SearchIndexBootstrapper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var admin = scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>();
            if (await admin.CountAsync(stoppingToken) > 0) return;
            var count = await admin.RebuildAsync(stoppingToken);
            if (count > 0) LogBuilt(count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index built from the catalog: {Count} products")]
    private partial void LogBuilt(long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the search index failed")]
    private partial void LogFailed(Exception exception);
}
