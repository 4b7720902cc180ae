using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;

namespace Storefront.FlashSale.Selling;

/// <summary>
/// Runs on every instance. About five times a second, for each sale whose room is open: makes sure
/// its counters exist (building them from PostgreSQL when Redis lost them), runs the admission step
/// (which closes purchase windows that ran out and lets shoppers in at the sale's rate while units
/// are free) and keeps this instance's view of the counts fresh. The admission step is one script
/// that keeps its own clock in Redis, so several instances running it admit no faster than one.
/// Every few seconds it also gives back units whose claim never became a purchase (the process died
/// between the two). Listens for other instances' announcements to refresh at once.
/// </summary>
internal sealed partial class SaleAdmissions(
    SaleDirectory directory,
    SaleRoomStore room,
    SaleCountersKeeper keeper,
    WaitingPlaces places,
    IServiceScopeFactory scopes,
    IConnectionMultiplexer redis,
    IOptions<FlashSaleOptions> options,
    TimeProvider clock,
    ILogger<SaleAdmissions> logger) : BackgroundService
{
    private static readonly TimeSpan SalesRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync();
        IReadOnlyList<LiveSale> sales = [];
        var (salesAt, sweptAt) = (DateTimeOffset.MinValue, DateTimeOffset.MinValue);
        var quietUntil = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                if (now - salesAt >= SalesRefresh)
                {
                    sales = await directory.RunningAsync(stoppingToken);
                    salesAt = now;
                }
                foreach (var sale in sales) await StepAsync(sale, stoppingToken);
                if (now - sweptAt >= SweepEvery)
                {
                    places.Sweep(now);
                    foreach (var sale in sales) await SweepAsync(sale, stoppingToken);
                    sweptAt = now;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis or PostgreSQL away: the pages say so; this loop tries again and logs once a minute.
                if (clock.GetUtcNow() >= quietUntil)
                {
                    LogStepFailed(ex);
                    quietUntil = clock.GetUtcNow().AddMinutes(1);
                }
            }
            try
            {
                await Task.Delay(options.Value.AdmitInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(SaleAnnouncements.Channel, (_, message) => OnAnnounced(message));
        }
        catch (RedisException ex)
        {
            // Without announcements the counts still refresh five times a second.
            LogStepFailed(ex);
        }
    }

    private void OnAnnounced(RedisValue message)
    {
        if (Guid.TryParseExact((string?)message, "N", out var id) && directory.Known(id) is { } sale) _ = RefreshAsync(sale);
    }

    private async Task RefreshAsync(LiveSale sale)
    {
        try
        {
            directory.Forget(sale.Info.Slug);
            var fresh = await directory.FindAsync(sale.Info.Slug, CancellationToken.None) ?? sale;
            if (await room.AdmitAsync(fresh.Info.Id, clock.GetUtcNow()) is { } step) fresh.Update(step.Counts);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or DbUpdateException or Npgsql.NpgsqlException)
        {
            LogStepFailed(ex);
        }
    }

    /// <summary>One admission step for one sale (also what tests call to move a sale along).</summary>
    internal async Task StepAsync(LiveSale sale, CancellationToken ct)
    {
        var step = await room.AdmitAsync(sale.Info.Id, clock.GetUtcNow());
        if (step is null)
        {
            if (!await keeper.EnsureAsync(sale, ct)) return;
            step = await room.AdmitAsync(sale.Info.Id, clock.GetUtcNow());
        }
        if (step is { } done) sale.Update(done.Counts);
    }

    /// <summary>Gives back units claimed longer ago than the recovery delay whose purchase never reached PostgreSQL.</summary>
    internal async Task<int> SweepAsync(LiveSale sale, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = (await room.PendingAsync(sale.Info.Id)).Where(p => now - p.ClaimedAt >= options.Value.ClaimRecoveryAfter).ToList();
        if (stale.Count == 0) return 0;
        HashSet<Guid> saved;
        using (var scope = scopes.CreateScope())
        {
            var ids = stale.Select(p => p.Claim).ToList();
            saved = (await scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>().Purchases.AsNoTracking()
                .Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        }
        var released = 0;
        foreach (var lost in stale.Where(p => !saved.Contains(p.Claim)))
        {
            if (!await room.ReleaseAsync(sale.Info.Id, lost.Claim, now, reopen: false, reason: "lost")) continue;
            LogClaimReturned(sale.Info.Slug, lost.Claim);
            released++;
        }
        return released;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flash sale admissions: a step failed")]
    private partial void LogStepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flash sale {Slug}: claim {Claim} never became a purchase (the process stopped in between); its unit went back to the sale")]
    private partial void LogClaimReturned(string slug, Guid claim);
}
