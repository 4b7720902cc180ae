using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

internal sealed class OrderQueries(CheckoutDbContext db) : IOrders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<OrderView?> GetAsync(string number, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(number) || number.Length > 20) return null;
        // Order numbers are stored upper case ("SF-100001"); what a shopper types may not be.
        var normalized = number.Trim().ToUpperInvariant();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Number == normalized, ct);
        return order is null ? null : View(order);
    }

    public async Task<OrderView?> TrackAsync(string number, string email, CancellationToken ct)
    {
        var order = await GetAsync(number, ct);
        return order is not null && string.Equals(order.Email, email?.Trim(), StringComparison.OrdinalIgnoreCase) ? order : null;
    }

    public async Task<IReadOnlyList<OrderSummary>> ForUserAsync(string userId, CancellationToken ct) =>
        await db.Orders.AsNoTracking().Where(o => o.UserId == userId).OrderByDescending(o => o.PlacedAt).Take(100)
            .Select(o => new OrderSummary(o.Number, o.Status, new Money(o.Total, o.Currency), o.Lines.Sum(l => l.Quantity), o.PlacedAt))
            .ToListAsync(ct);

    public async Task<bool> ClaimAsync(string number, string userId, CancellationToken ct)
    {
        var normalized = (number ?? "").Trim().ToUpperInvariant();
        return await db.Orders.Where(o => o.Number == normalized && o.UserId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.UserId, userId), ct) == 1;
    }

    private static OrderView View(Order o)
    {
        Money M(decimal amount) => new(amount, o.Currency);
        return new OrderView(o.Id, o.Number, o.UserId, o.Email, o.Status,
            JsonSerializer.Deserialize<Address>(o.ShippingAddress, Json)!, o.ShippingMethod,
            o.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new OrderLineView(l.Sku, l.Title, M(l.UnitPrice), l.Quantity)).ToList(),
            M(o.Subtotal), M(o.ShippingCost), M(o.Tax), M(o.Total), M(o.Refunded), o.PaymentId, o.Carrier, o.TrackingNumber, o.PlacedAt,
            o.History.OrderBy(h => h.Id).Select(h => new OrderStatusView(h.Status, h.At, h.Note)).ToList());
    }
}

/// <summary>
/// Starts fulfilment: each placed order becomes a request in the warehouse's queue, once, however
/// often the event is delivered.
/// </summary>
internal sealed class FulfilmentHandler(CheckoutDbContext db, TimeProvider clock) : IIntegrationEventHandler<OrderPlacedEvent>
{
    public async Task HandleAsync(OrderPlacedEvent e, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO checkout.fulfilment_requests (id, order_id, status, created_at) VALUES ({Guid.CreateVersion7(now)}, {e.OrderId}, 'Pending', {now})
            ON CONFLICT (order_id) DO NOTHING
            """, ct);
    }
}
