using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Selling;

/// <summary>
/// Builds a sale's counters in Redis from PostgreSQL's account: when the sale is armed, and whenever
/// Redis turns out to have lost them (a flush, a restart, a failover to a replica that never saw
/// them). Units left = units held for the sale − units given back − purchases that hold a unit
/// (being ordered or ordered); each customer's claims come from the same purchases. One instance
/// rebuilds at a time (a short Redis lock); meanwhile the sale is shown as rebuilding and nobody is
/// admitted or sold to. Places in line are not in PostgreSQL: a shopper's next status poll puts
/// them back at the ticket their signed pass carries.
/// </summary>
internal sealed partial class SaleCountersKeeper(
    IServiceScopeFactory scopes,
    SaleRoomStore room,
    IConnectionMultiplexer redis,
    TimeProvider clock,
    ILogger<SaleCountersKeeper> logger)
{
    private static readonly TimeSpan LockFor = TimeSpan.FromSeconds(15);
    private readonly string instance = Guid.NewGuid().ToString("N");

    /// <summary>Makes sure the counters exist; false while another instance is rebuilding them.</summary>
    public async Task<bool> EnsureAsync(LiveSale sale, CancellationToken ct)
    {
        if (await room.ReadyAsync(sale.Info.Id))
        {
            sale.Rebuilding = false;
            return true;
        }
        var db = redis.GetDatabase();
        var lockKey = (RedisKey)$"{{sale:{sale.Info.Id:N}}}:rebuild";
        sale.Rebuilding = true;
        if (!await db.StringSetAsync(lockKey, instance, LockFor, When.NotExists)) return false;
        try
        {
            using var scope = scopes.CreateScope();
            var data = scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>();
            var row = await data.Sales.AsNoTracking().FirstAsync(s => s.Id == sale.Info.Id, ct);
            var held = await data.Purchases.AsNoTracking()
                .Where(p => p.SaleId == row.Id && (p.State == PurchaseStates.Processing || p.State == PurchaseStates.Ordered))
                .Select(p => new HeldUnit(p.Id, p.Customer, p.State == PurchaseStates.Processing)).ToListAsync(ct);
            var now = clock.GetUtcNow();
            var left = Math.Max(0, row.QuotaHeld - row.Returned - held.Count);
            var built = await room.BuildAsync(row.Id, left, SaleInfo.Of(row).Settings(now), held, now);
            if (built) LogBuilt(row.Slug, left, held.Count);
            sale.Rebuilding = false;
            return true;
        }
        finally
        {
            await db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                [lockKey], [instance]);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Flash sale {Slug}: counters built in Redis from PostgreSQL ({Left} units left, {Held} held by purchases)")]
    private partial void LogBuilt(string slug, long left, int held);
}
