using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Recommendations.Data;

namespace Storefront.Recommendations.Building;

/// <summary>
/// Event consumer "recommendations.purchases": each placed order's products join the module's copy
/// of the history at once, and a cancelled or fully refunded order leaves it; either way the
/// products concerned are marked stale, and <see cref="ListRefresh"/> computes their lists again
/// within a minute. The buyers per product and the customers in all follow in the same statement.
/// Idempotent: an order's lines are inserted once, removed once, and only what was inserted or removed is counted.
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
        // The sub-queries see the history as it was before this statement: a product is new to a
        // customer, or a customer new to the store, when no earlier line of theirs has it.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH added AS (
                INSERT INTO recommendations.purchases (order_id, sku, customer, placed_at)
                SELECT * FROM unnest({ids}, {skus}, {customers}, {placed})
                ON CONFLICT DO NOTHING RETURNING sku, customer),
            counted AS (
                SELECT * FROM added a WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = a.customer)),
            new_buyers AS (
                SELECT DISTINCT customer, sku FROM counted c
                WHERE NOT EXISTS (SELECT 1 FROM recommendations.purchases p WHERE p.customer = c.customer AND p.sku = c.sku)),
            buyers AS (
                INSERT INTO recommendations.product_buyers (sku, buyers)
                SELECT sku, count(*) FROM new_buyers GROUP BY sku
                ON CONFLICT (sku) DO UPDATE SET buyers = product_buyers.buyers + EXCLUDED.buyers),
            customers AS (
                INSERT INTO recommendations.totals (id, customers)
                SELECT 1, count(DISTINCT customer) FROM counted c
                WHERE NOT EXISTS (SELECT 1 FROM recommendations.purchases p WHERE p.customer = c.customer)
                ON CONFLICT (id) DO UPDATE SET customers = totals.customers + EXCLUDED.customers)
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
                DELETE FROM recommendations.purchases WHERE order_id = {change.OrderId} RETURNING order_id, sku, customer),
            counted AS (
                SELECT * FROM gone g WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = g.customer)),
            lost_buyers AS (
                SELECT DISTINCT customer, sku FROM counted c
                WHERE NOT EXISTS (SELECT 1 FROM recommendations.purchases p WHERE p.customer = c.customer AND p.sku = c.sku AND p.order_id <> c.order_id)),
            buyers AS (
                UPDATE recommendations.product_buyers b SET buyers = greatest(0, b.buyers - l.n)
                FROM (SELECT sku, count(*) AS n FROM lost_buyers GROUP BY sku) l WHERE b.sku = l.sku),
            customers AS (
                UPDATE recommendations.totals t SET customers = greatest(0, t.customers - (
                    SELECT count(DISTINCT customer) FROM counted c
                    WHERE NOT EXISTS (SELECT 1 FROM recommendations.purchases p WHERE p.customer = c.customer AND p.order_id <> c.order_id))))
            INSERT INTO recommendations.stale_products (sku, marked_at)
            SELECT DISTINCT sku, {now} FROM gone
            ON CONFLICT (sku) DO UPDATE SET marked_at = EXCLUDED.marked_at
            """, ct);
    }
}
