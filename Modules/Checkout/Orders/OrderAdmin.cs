using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Orders;

internal sealed class OrderAdmin(CheckoutDbContext db, IPaymentGateway gateway, IPricesAndStock stock, TimeProvider clock) : IOrderAdmin
{
    private static readonly string[] Flow = [OrderStatus.Paid, OrderStatus.Packed, OrderStatus.Shipped, OrderStatus.Delivered];

    public async Task<AdminOrderPage> ListAsync(AdminOrderQuery q, CancellationToken ct)
    {
        var orders = db.Orders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q.Status)) orders = orders.Where(o => o.Status == q.Status);
        if (q.From is { } from) orders = orders.Where(o => o.PlacedAt >= new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (q.To is { } to) orders = orders.Where(o => o.PlacedAt < new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (!string.IsNullOrWhiteSpace(q.Customer))
        {
            var pattern = "%" + q.Customer.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            orders = orders.Where(o => EF.Functions.ILike(o.Email, pattern) || EF.Functions.ILike(o.Number, pattern));
        }
        if (q.MinTotal is { } min) orders = orders.Where(o => o.Total >= min);
        if (q.MaxTotal is { } max) orders = orders.Where(o => o.Total <= max);
        var size = Math.Clamp(q.PageSize, 1, 100);
        var total = await orders.LongCountAsync(ct);
        // Past the last page is the last page; (page - 1) × size of a huge page would overflow.
        var page = (int)Math.Clamp(q.Page, 1L, Math.Max(1L, (total + size - 1) / size));
        var rows = await orders.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Skip((page - 1) * size).Take(size)
            .Select(o => new AdminOrderRow(o.Number, o.Email, o.Status, new Money(o.Total, o.Currency), o.Lines.Sum(l => l.Quantity), o.PlacedAt))
            .ToListAsync(ct);
        return new AdminOrderPage(rows, page, size, total);
    }

    public async Task<OrderChangeResult> MoveAsync(string number, string status, string? carrier, string? trackingNumber, string actor, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is not { } order) return new(false, "There is no such order.");
        var from = Array.IndexOf(Flow, order.Status);
        var to = Array.IndexOf(Flow, status);
        if (from < 0) return new(false, $"An order that is {order.Status.ToLowerInvariant()} cannot move on.");
        if (to != from + 1) return new(false, $"An order that is {order.Status.ToLowerInvariant()} can only become {(from + 1 < Flow.Length ? Flow[from + 1].ToLowerInvariant() : "nothing else")}.");
        string? note = null;
        if (status == OrderStatus.Shipped)
        {
            if (string.IsNullOrWhiteSpace(carrier) || carrier.Length > 60) return new(false, "Enter the carrier (60 characters at most).", "Carrier");
            if (string.IsNullOrWhiteSpace(trackingNumber) || trackingNumber.Length > 60) return new(false, "Enter the tracking number (60 characters at most).", "TrackingNumber");
            (order.Carrier, order.TrackingNumber) = (carrier.Trim(), trackingNumber.Trim());
            note = $"{order.Carrier} {order.TrackingNumber}";
        }
        await ChangeAsync(order, status, note, ct);
        return new(true, $"Order {order.Number} is now {status.ToLowerInvariant()}.");
    }

    public async Task<OrderChangeResult> CancelAsync(string number, string actor, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is not { } order) return new(false, "There is no such order.");
        if (order.Status is not (OrderStatus.Paid or OrderStatus.Packed or OrderStatus.PartiallyRefunded))
            return new(false, $"An order that is {order.Status.ToLowerInvariant()} cannot be cancelled.");
        var left = order.Total - order.Refunded;
        if (left > 0 && order.PaymentId is not null)
        {
            var refund = await gateway.RefundAsync(new RefundRequest($"cancel-{order.Id:N}", order.PaymentId, new Money(left, order.Currency)), ct);
            if (!refund.Succeeded) return new(false, "The refund failed: " + refund.Message);
            order.Refunded = order.Total;
        }
        foreach (var line in order.Lines)
            await stock.AdjustOnHandAsync(line.Sku, line.Quantity, new StockChangeContext(actor, "Order cancelled", order.Number), ct);
        await ChangeAsync(order, OrderStatus.Cancelled, $"by {actor}", ct);
        if (left > 0) await ChangeAsync(order, OrderStatus.Refunded, $"{new Money(left, order.Currency)} refunded", ct);
        return new(true, $"Order {order.Number} is cancelled, its stock is back{(left > 0 ? $" and {new Money(left, order.Currency)} was refunded" : "")}.");
    }

    public async Task<OrderChangeResult> RefundAsync(string number, decimal amount, string actor, CancellationToken ct)
    {
        if (await LoadAsync(number, ct) is not { } order) return new(false, "There is no such order.");
        var left = order.Total - order.Refunded;
        if (amount <= 0 || decimal.Round(amount, 2) != amount) return new(false, "Enter an amount of money, such as 12.50.", "Amount");
        if (amount > left) return new(false, $"At most {new Money(left, order.Currency)} is left to refund.", "Amount");
        if (order.PaymentId is null) return new(false, "This order has no payment to refund.");
        // One key per refund the merchant asks for: the n-th refund of an order is sent once, however often it is retried.
        var count = await db.OrderStatusChanges.CountAsync(h => h.OrderId == order.Id && (h.Status == OrderStatus.Refunded || h.Status == OrderStatus.PartiallyRefunded), ct);
        var refund = await gateway.RefundAsync(new RefundRequest($"refund-{order.Id:N}-{count + 1}", order.PaymentId, new Money(amount, order.Currency)), ct);
        if (!refund.Succeeded) return new(false, "The refund failed: " + refund.Message);
        order.Refunded += amount;
        var status = order.Refunded == order.Total ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
        await ChangeAsync(order, status, $"{new Money(amount, order.Currency)} refunded by {actor}", ct);
        return new(true, $"{new Money(amount, order.Currency)} refunded.");
    }

    private Task<Order?> LoadAsync(string number, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(number)) return Task.FromResult<Order?>(null);
        var normalized = number.Trim().ToUpperInvariant();
        return db.Orders.Include(o => o.Lines).FirstOrDefaultAsync(o => o.Number == normalized, ct);
    }

    private async Task ChangeAsync(Order order, string status, string? note, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        (order.Status, order.UpdatedAt) = (status, now);
        db.OrderStatusChanges.Add(new OrderStatusChange { OrderId = order.Id, Status = status, Note = note, At = now });
        db.AddIntegrationEvent(new OrderStatusChangedEvent(order.Id, order.Number, order.Email, status, note, now), now);
        await db.SaveChangesAsync(ct);
    }
}
