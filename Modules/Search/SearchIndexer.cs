using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Search.Contracts;
using Storefront.Search.Ranking;

namespace Storefront.Search;

/// <summary>
/// Keeps the index true: catalog, price, stock and review events (delivered at least once, in order,
/// through the event log) re-read the products they touch from the catalog and replace their
/// documents, so a repeated or late event can only write the current state.
/// </summary>
internal sealed class SearchIndexer(
    ISearchIndexes indexes,
    ICatalogSearchFeed feed,
    IPricesAndStock stock,
    PopularitySignals signals,
    IndexHealth health,
    OutboxDelivery delivery,
    IEventLogAdmin events,
    EventDelivery deliveryInstance,
    IOptions<SearchOptions> options,
    IBackgroundJobClient jobs,
    TimeProvider clock) :
    IIntegrationEventHandler<ProductChangedEvent>,
    IIntegrationEventHandler<ReviewsChangedEvent>,
    IIntegrationEventHandler<PriceChangedEvent>,
    IIntegrationEventBatchHandler<StockChangedEvent>,
    IRecoversMissedEvents,
    ISearchIndexAdmin
{
    /// <summary>The consumer that keeps the index: once per instance with Lucene, once per cluster with Elasticsearch.</summary>
    public const string ConsumerName = "search.index";

    public Task HandleAsync(ProductChangedEvent e, CancellationToken ct) => ReindexAsync([e.ProductId], [], ct);

    public Task HandleAsync(ReviewsChangedEvent e, CancellationToken ct) => ReindexAsync([e.ProductId], [], ct);

    public Task HandleAsync(PriceChangedEvent e, CancellationToken ct) => ReindexAsync([], [e.Sku], ct);

    public Task HandleAsync(IReadOnlyList<StockChangedEvent> events, CancellationToken ct) =>
        ReindexAsync([], events.Select(e => e.Sku).Distinct().ToList(), ct);

    /// <summary>Writes the current state of these products (after their popularity changed).</summary>
    public Task ReindexProductsAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct) => ReindexAsync(productIds, [], ct);

    private async Task ReindexAsync(IReadOnlyCollection<Guid> ids, IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        try
        {
            var current = await feed.CurrentAsync(ids, skus, ct);
            var published = await DocumentsAsync(current.Where(s => s.Published).ToList(), ct);
            if (published.Count > 0) await indexes.IndexAsync(published, ct);
            var gone = current.Where(s => !s.Published).Select(s => s.ProductId).ToList();
            if (gone.Count > 0) await indexes.DeleteAsync(gone, ct);
            if (delivery.OldestOccurredAt is { } occurred) health.Applied(clock.GetUtcNow() - occurred);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded for the admin page; the event is delivered again, to this consumer only.
            health.Failed(ex);
            throw;
        }
    }

    private async Task<List<SearchDocument>> DocumentsAsync(IReadOnlyList<SearchSource> sources, CancellationToken ct)
    {
        // Price and availability come from Inventory itself, not the catalog's listing copy: that copy
        // is kept by another consumer of the same events, which may not have reached this one yet.
        var current = await stock.GetManyAsync(sources.Select(s => s.Sku).ToList(), ct);
        sources = sources.Select(s => current.TryGetValue(s.Sku, out var sku)
            ? s with { Price = sku.Price.Amount, Currency = sku.Price.Currency, Available = sku.Available }
            : s).ToList();
        var counts = await signals.CountsAsync(sources.Select(s => s.ProductId).ToList(), ct);
        var ranking = options.Value.Ranking;
        return sources.Select(s =>
        {
            var (clicks, purchases) = counts.GetValueOrDefault(s.ProductId);
            return ToDocument(s, PopularityFormula.Of(ranking, clicks, purchases, s.ReviewCount, s.Rating));
        }).ToList();
    }

    internal static SearchDocument ToDocument(SearchSource s, double popularity) => new(s.ProductId, s.Sku, s.Slug, s.Title, s.Description, s.Brand,
        s.CategorySlugs, s.Price, s.Currency, s.Rating, s.ReviewCount, Math.Min(s.Available, SearchDocument.AvailableCap), popularity, s.CreatedAt)
    {
        CategoryNames = s.CategoryNames,
    };

    public async Task<long> RebuildAsync(CancellationToken ct)
    {
        var building = await indexes.BeginRebuildAsync(ct);
        if (building is null) return 0;
        var started = clock.GetUtcNow();
        long count = 0;
        try
        {
            Guid? after = null;
            while (true)
            {
                var batch = await feed.BatchAsync(after, 2000, ct);
                if (batch.Count == 0) break;
                await building.IndexAsync(await DocumentsAsync(batch.Where(s => s.Published).ToList(), ct), ct);
                count += batch.Count;
                after = batch[^1].ProductId;
            }
            await indexes.EndRebuildAsync(succeeded: true, ct);
            health.Rebuilt(count, clock.GetUtcNow() - started);
            return count;
        }
        catch (Exception ex)
        {
            await indexes.EndRebuildAsync(succeeded: false, CancellationToken.None);
            health.Failed(ex);
            throw;
        }
    }

    /// <summary>
    /// This instance was away longer than the event log keeps events: its index on disk has missed
    /// changes, so it is built again from the catalog (after any build already under way), while the
    /// old one answers searches.
    /// </summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        while (indexes.RebuildingSince is not null) await Task.Delay(200, ct);
        await RebuildAsync(ct);
    }

    public Task<RebuildStart> StartRebuildAsync(CancellationToken ct)
    {
        if (indexes.RebuildingSince is not null) return Task.FromResult(RebuildStart.AlreadyRunning);
        jobs.Enqueue<Jobs.SearchRebuildJob>(job => job.RunAsync(CancellationToken.None));
        return Task.FromResult(RebuildStart.Started);
    }

    public Task<long> CountAsync(CancellationToken ct) => indexes.CountAsync(ct);

    public async Task<SearchIndexStatus> StatusAsync(CancellationToken ct)
    {
        // The status page must answer even when the index or the database does not: what failed is shown as the last error.
        long pending = 0;
        DateTimeOffset? oldestPending = null;
        long documents = 0;
        var current = false;
        try
        {
            // This instance's position (or the cluster's, with a shared index).
            var consumer = await events.ConsumerAsync(ConsumerName, ct);
            var mine = consumer?.Positions.FirstOrDefault(p => p.Instance == "" || p.Instance == deliveryInstance.InstanceId);
            pending = mine?.Pending ?? 0;
            oldestPending = mine?.OldestPendingAt;
            documents = await indexes.CountAsync(ct);
            current = await indexes.IsCurrentAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            health.Failed(ex);
        }
        return new(indexes.EngineName, indexes.Location, documents, current, indexes.LastChangeAt, health.LastLag,
            pending, oldestPending, indexes.RebuildingSince, health.LastError, health.LastErrorAt, health.LastRebuild);
    }
}

/// <summary>What the admin page shows about the index's recent history.</summary>
internal sealed class IndexHealth
{
    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public string? LastRebuild { get; private set; }

    /// <summary>How long the last applied change took from the catalog to the index.</summary>
    public TimeSpan? LastLag { get; private set; }

    public void Applied(TimeSpan lag) => LastLag = lag < TimeSpan.Zero ? TimeSpan.Zero : lag;

    public void Failed(Exception ex) => (LastError, LastErrorAt) = (ex.Message, DateTimeOffset.UtcNow);

    public void Rebuilt(long count, TimeSpan took) =>
        LastRebuild = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count} products in {took.TotalSeconds:0.0} s, finished {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
}

/// <summary>
/// Builds the index from the catalog when it is missing, empty of a build, or written in an older
/// <see cref="SearchIndexFormat"/> (a new store, a lost volume, an upgrade); the old index answers
/// searches until the new one is swapped in.
/// </summary>
internal sealed partial class SearchIndexBootstrapper(IServiceScopeFactory scopes, ILogger<SearchIndexBootstrapper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var indexes = scope.ServiceProvider.GetRequiredService<ISearchIndexes>();
            if (await indexes.IsCurrentAsync(stoppingToken)) return;
            var count = await scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>().RebuildAsync(stoppingToken);
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
