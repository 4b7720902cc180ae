using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;
using Storefront.FlashSale.Selling;

namespace Storefront.FlashSale.Orders;

/// <summary>
/// Hangfire job: makes the orders of a sale's purchases, oldest first, until none is left. A burst of
/// purchases is one job, not one job each: a Hangfire job costs about as many database round trips
/// as the order itself, and in a sale every round trip is taken from the shoppers. The purchase
/// queues the job unless one is already queued and has not started (<see cref="SaleRoomStore.AskForOrdersAsync"/>).
/// Each purchase is taken with a lease in PostgreSQL, so jobs on several instances share the work
/// and never make one purchase's order twice at once; a purchase whose maker died is taken again
/// when its lease ends, or by the recovery pass.
/// </summary>
public sealed class SaleOrdersJob(IServiceProvider services)
{
    public Task<int> RunAsync(Guid saleId, CancellationToken cancellationToken) =>
        services.GetRequiredService<SaleOrderMakers>().RunAsync(saleId, cancellationToken);
}

/// <summary>The work of <see cref="SaleOrdersJob"/>: <c>FlashSale:OrderMakers</c> loops, each taking one purchase at a time.</summary>
internal sealed partial class SaleOrderMakers(IServiceScopeFactory scopes, SaleRoomStore room, IOptions<FlashSaleOptions> options, TimeProvider clock,
    ILogger<SaleOrderMakers> logger)
{
    public async Task<int> RunAsync(Guid saleId, CancellationToken cancellationToken)
    {
        try
        {
            await room.OrdersStartedAsync(saleId);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The flag lapses by itself: a purchase meanwhile may queue one job too few, and the recovery pass covers it.
        }
        var makers = Enumerable.Range(0, options.Value.OrderMakers).Select(_ => MakeAsync(saleId, cancellationToken));
        return (await Task.WhenAll(makers)).Sum();
    }

    private async Task<int> MakeAsync(Guid saleId, CancellationToken ct)
    {
        var made = 0;
        while (!ct.IsCancellationRequested)
        {
            using var scope = scopes.CreateScope();
            var id = await TakeAsync(scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>(), saleId, ct);
            if (id is null) break;
            try
            {
                await scope.ServiceProvider.GetRequiredService<PurchaseOrders>().RunAsync(id.Value, ct);
                made++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Left to its lease and the recovery pass (a charge whose answer is not known yet, a database hiccup).
                LogNotMade(ex, id.Value);
            }
        }
        return made;
    }

    /// <summary>The oldest purchase still to be ordered that nobody is working on, leased to the caller.</summary>
    private async Task<Guid?> TakeAsync(FlashSaleDbContext db, Guid saleId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.ClaimRecoveryAfter;
        var taken = await db.Database.SqlQuery<Guid>($"""
            UPDATE flashsale.purchases SET ordering_until = {until}
            WHERE id = (SELECT id FROM flashsale.purchases
                        WHERE sale_id = {saleId} AND state = {PurchaseStates.Processing} AND (ordering_until IS NULL OR ordering_until < {now})
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        return taken.Count == 0 ? null : taken[0];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: its order was not made on this pass; it is taken again later")]
    private partial void LogNotMade(Exception exception, Guid purchaseId);
}
