using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Building;

/// <summary>
/// Event consumer "recommendations.purchases": each placed order's products join the module's copy
/// of the history at once, and a cancelled or fully refunded order leaves it; either way the
/// products concerned are marked stale, and <see cref="ListRefresh"/> computes their lists again
/// within a minute. Idempotent: an order's lines are inserted once, removed once.
/// </summary>
internal sealed class PurchaseFeed(RecommendationsDbContext db, TimeProvider clock) :
    IIntegrationEventBatchHandler<OrderPlacedEvent>, IIntegrationEventHandler<OrderStatusChangedEvent>
{
    public const string ConsumerName = "recommendations.purchases";

    public async Task HandleAsync(IReadOnlyList<OrderPlacedEvent> orders, CancellationToken ct)
    {
        var lines = orders.SelectMany(o => o.Lines.Select(l => (o.OrderId, l.Sku, Customer: PurchasedLine.CustomerOf(o.UserId, o.Email), o.PlacedAt)))
            .DistinctBy(l => (l.OrderId, l.Sku)).ToList();
        if (lines.Count == 0) return;
        var (ids, skus, customers, placed) = (lines.Select(l => l.OrderId).ToArray(), lines.Select(l => l.Sku).ToArray(),
            lines.Select(l => l.Customer).ToArray(), lines.Select(l => l.PlacedAt.ToUniversalTime()).ToArray());
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH added AS (
                INSERT INTO recommendations.purchases (order_id, sku, customer, placed_at)
                SELECT * FROM unnest({ids}, {skus}, {customers}, {placed})
                ON CONFLICT DO NOTHING RETURNING sku)
            INSERT INTO recommendations.stale_products (sku, marked_at)
            SELECT DISTINCT sku, {now} FROM added
            ON CONFLICT (sku) DO UPDATE SET marked_at = EXCLUDED.marked_at
            """, ct);
    }

    public async Task HandleAsync(OrderStatusChangedEvent change, CancellationToken ct)
    {
        // "Refunded" is the timeline's entry for money given back in full; a partial refund keeps the order.
        if (change.Status is not ("Cancelled" or "Refunded")) return;
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH gone AS (
                DELETE FROM recommendations.purchases WHERE order_id = {change.OrderId} RETURNING sku)
            INSERT INTO recommendations.stale_products (sku, marked_at)
            SELECT DISTINCT sku, {now} FROM gone
            ON CONFLICT (sku) DO UPDATE SET marked_at = EXCLUDED.marked_at
            """, ct);
    }
}
