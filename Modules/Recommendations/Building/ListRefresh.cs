using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.Recommendations.Contracts;
using Storefront.Recommendations.Data;
using Storefront.Recommendations.Reading;

namespace Storefront.Recommendations.Building;

/// <summary>
/// The incremental update: the lists of the products marked stale by <see cref="PurchaseFeed"/>
/// (those of a new order, or of one cancelled or refunded) are computed again, oldest marks first, up
/// to <see cref="Batch"/> products a run, and written to PostgreSQL and Redis. Only those lists change:
/// another product's list that names one of them keeps its scores until the nightly rebuild. A
/// product bought for the first time gets its list the same day, as soon as two customers bought it
/// with the same product.
/// </summary>
internal sealed partial class ListRefresh(
    RecommendationsDbContext db,
    ListCache cache,
    IOptions<RecommendationsOptions> options,
    TimeProvider clock,
    ILogger<ListRefresh> logger)
{
    public const int Batch = 500;

    /// <summary>Computes the stale lists again; returns how many products it did.</summary>
    public async Task<int> RefreshAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = await db.StaleProducts.AsNoTracking().OrderBy(p => p.MarkedAt).Take(Batch).ToListAsync(ct);
        if (stale.Count == 0) return 0;
        var skus = stale.Select(p => p.Sku).ToArray();
        db.Database.SetCommandTimeout(CoPurchaseRebuild.LongWork);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Not at the same time as a rebuild (the same lock), which would overwrite these lists anyway.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('recommendations:rebuild'))", ct);
            await ListScoring.ComputeAsync(db, options.Value, now, skus, ct);
            // A product marked again while this ran stays marked for the next run.
            var marks = stale.Select(p => p.MarkedAt.ToUniversalTime()).ToArray();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                DELETE FROM recommendations.stale_products s USING unnest({skus}, {marks}) AS done(sku, marked_at)
                WHERE s.sku = done.sku AND s.marked_at <= done.marked_at
                """, ct);
            await tx.CommitAsync(ct);
        }
        foreach (var sku in skus) await cache.PutAsync(sku, await ListComposer.FromDatabaseAsync(db, sku, options.Value, ct));
        LogRefreshed(skus.Length);
        return skus.Length;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations: {Count} lists computed again after new or withdrawn orders")]
    private partial void LogRefreshed(int count);
}

/// <summary>Hangfire job "recommendations:refresh" (every minute): <see cref="ListRefresh"/>.</summary>
public sealed class RefreshJob(IServiceScopeFactory scopes)
{
    public const string Id = "recommendations:refresh";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ListRefresh>().RefreshAsync(cancellationToken);
    }
}
