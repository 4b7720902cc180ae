using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

internal sealed class OrderQueries(CheckoutDbContext db, OrderAdmin admin) : IOrders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Order numbers are stored upper case; what a shopper types may not be. Null for what cannot be one.</summary>
    public static string? Normalize(string? number) =>
        string.IsNullOrWhiteSpace(number) || number.Trim().Length > 20 ? null : number.Trim().ToUpperInvariant();

    public async Task<OrderView?> GetAsync(string number, CancellationToken ct)
    {
        if (Normalize(number) is not { } normalized) return null;
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Number == normalized, ct);
        if (order is null) return null;
        var pending = await db.OrderRefunds.Where(r => r.OrderId == order.Id && r.Status == OrderRefund.Pending).SumAsync(r => r.Amount, ct);
        return View(order, pending, withActors: false);
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

    public Task<OrderChangeResult> CancelByShopperAsync(string number, string actor, CancellationToken ct) =>
        admin.CancelAsync(number, actor, onlyBeforePacking: true, ct);

    public async Task<Address?> LastAddressAsync(string userId, CancellationToken ct) =>
        await db.Orders.AsNoTracking().Where(o => o.UserId == userId).OrderByDescending(o => o.PlacedAt)
            .Select(o => o.ShippingAddress).FirstOrDefaultAsync(ct) is { } json ? JsonSerializer.Deserialize<Address>(json, Json) : null;

    public Task<bool> HasBoughtAsync(string userId, string sku, CancellationToken ct) =>
        db.Orders.AsNoTracking().AnyAsync(o => o.UserId == userId && o.Status != OrderStatus.Cancelled && o.Lines.Any(l => l.Sku == sku), ct);

    public async Task<bool> RevokeLinksAsync(string number, CancellationToken ct) =>
        Normalize(number) is { } normalized
        && await db.Orders.Where(o => o.Number == normalized).ExecuteUpdateAsync(u => u.SetProperty(o => o.LinkVersion, o => o.LinkVersion + 1), ct) == 1;

    // The address is checked in the UPDATE itself, so no order changes hands on a check made earlier.
    // upper() on both sides in SQL: EF cannot translate string.Equals with a StringComparison (CA1862).
#pragma warning disable CA1862
    public async Task<bool> ClaimAsync(string number, string userId, string confirmedEmail, CancellationToken ct)
    {
        if (Normalize(number) is not { } normalized || string.IsNullOrWhiteSpace(confirmedEmail)) return false;
        var email = confirmedEmail.Trim();
        return await db.Orders.Where(o => o.Number == normalized && o.UserId == null && o.Email.ToUpper() == email.ToUpper())
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.UserId, userId), ct) == 1;
    }

    public async Task<int> ClaimAllAsync(string userId, string confirmedEmail, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(confirmedEmail)) return 0;
        var email = confirmedEmail.Trim();
        return await db.Orders.Where(o => o.UserId == null && o.Email.ToUpper() == email.ToUpper())
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.UserId, userId), ct);
    }
#pragma warning restore CA1862

    public async Task<int> DetachAllAsync(string userId, CancellationToken ct) =>
        string.IsNullOrEmpty(userId) ? 0
            : await db.Orders.Where(o => o.UserId == userId).ExecuteUpdateAsync(u => u.SetProperty(o => o.UserId, (string?)null), ct);

    /// <summary>The order as read; who did what (the actor) only for merchants.</summary>
    internal static OrderView View(Order o, decimal pendingRefunds, bool withActors)
    {
        Money M(decimal amount) => new(amount, o.Currency);
        var actions = new OrderActions(OrderStatus.NextOf(o.Status), OrderStatus.CanMove(o.Status, OrderStatus.Cancelled),
            M(o.Status == OrderStatus.Cancelled ? 0 : o.Refundable(pendingRefunds)),
            o.Status == OrderStatus.Cancelled && (o.RestockPending || pendingRefunds > 0));
        return new OrderView(o.Id, o.Number, o.UserId, o.Email, o.Status,
            JsonSerializer.Deserialize<Address>(o.ShippingAddress, Json)!, o.ShippingMethod,
            o.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new OrderLineView(l.Sku, l.Title, M(l.UnitPrice), l.Quantity)).ToList(),
            M(o.Subtotal), M(o.ShippingCost), M(o.Tax), M(o.Total), M(o.Refunded), o.PaymentId, o.Carrier, o.TrackingNumber, o.PlacedAt,
            o.History.OrderBy(h => h.Id).Select(h => new OrderStatusView(h.Status, h.At, OrderNotes.Read(h.Note), withActors ? h.Actor : null)).ToList(),
            o.RefundState, actions, o.LinkVersion)
        {
            DiscountCode = o.DiscountCode,
            Discount = o.DiscountCode is null ? null : M(o.Discount),
            DeliveryNote = o.DeliveryNote,
        };
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
