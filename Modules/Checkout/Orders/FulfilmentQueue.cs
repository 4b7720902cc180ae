using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

internal sealed class FulfilmentQueue(CheckoutDbContext db, IOrderAdmin orders, TimeProvider clock) : IFulfilmentQueue
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<FulfilmentRow>> PendingAsync(int take, CancellationToken ct)
    {
        var rows = await (from f in db.FulfilmentRequests.AsNoTracking()
                          join o in db.Orders.AsNoTracking() on f.OrderId equals o.Id
                          where f.Status == "Pending" && o.Status == OrderStatus.Paid
                          orderby f.CreatedAt
                          select new { f.Id, o.Number, f.Status, Items = o.Lines.Sum(l => l.Quantity), o.ShippingAddress, f.CreatedAt })
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return rows.Select(r =>
        {
            var a = JsonSerializer.Deserialize<Address>(r.ShippingAddress, Json)!;
            return new FulfilmentRow(r.Id, r.Number, r.Status, r.Items, $"{a.Name}, {a.City}, {a.Country}", r.CreatedAt);
        }).ToList();
    }

    public async Task<IReadOnlyList<PackingSlip>> SlipsAsync(int take, CancellationToken ct)
    {
        // The same queue as PendingAsync, each order with its lines (one query for the lines of all).
        var rows = await (from f in db.FulfilmentRequests.AsNoTracking()
                          join o in db.Orders.AsNoTracking() on f.OrderId equals o.Id
                          where f.Status == "Pending" && o.Status == OrderStatus.Paid
                          orderby f.CreatedAt
                          select new
                          {
                              o.Number, o.PlacedAt, o.ShippingAddress, o.ShippingMethod, o.DeliveryNote,
                              Lines = o.Lines.OrderBy(l => l.Sku).Select(l => new PackingSlipLine(l.Sku, l.Title, l.Quantity)).ToList(),
                          })
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return rows.Select(r => new PackingSlip(r.Number, r.PlacedAt, JsonSerializer.Deserialize<Address>(r.ShippingAddress, Json)!, r.ShippingMethod, r.Lines, r.DeliveryNote)).ToList();
    }

    public async Task<OrderChangeResult> PackedAsync(Guid requestId, string actor, CancellationToken ct)
    {
        var request = await db.FulfilmentRequests.FirstOrDefaultAsync(f => f.Id == requestId, ct);
        if (request is null) return OrderChangeResult.Refused(CheckoutProblems.NoSuchFulfilmentRequest);
        if (request.Status != "Pending") return OrderChangeResult.Refused(CheckoutProblems.FulfilmentRequestHandled);
        var number = await db.Orders.Where(o => o.Id == request.OrderId).Select(o => o.Number).SingleAsync(ct);
        var moved = await orders.MoveAsync(number, OrderStatus.Packed, null, null, actor, ct);
        if (!moved.Succeeded) return moved;
        (request.Status, request.DoneAt) = ("Done", clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return OrderChangeResult.Done(CheckoutProblems.Packed, ("number", number));
    }
}
