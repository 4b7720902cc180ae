using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

/// <summary>The order history for analysis, read with one streaming query (<see cref="IOrderHistory"/>).</summary>
internal sealed class OrderHistory(CheckoutDbContext db) : IOrderHistory
{
    public async IAsyncEnumerable<PurchasedLine> LinesSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = db.Orders.AsNoTracking()
            .Where(o => o.PlacedAt >= since && o.Status != OrderStatus.Cancelled && o.RefundState != RefundState.Full)
            .OrderBy(o => o.PlacedAt).ThenBy(o => o.Id)
            .SelectMany(o => o.Lines.Select(l => new { o.Id, o.UserId, o.Email, l.Sku, l.Quantity, o.PlacedAt }))
            .AsAsyncEnumerable();
        await foreach (var line in lines.WithCancellation(cancellationToken))
            yield return new PurchasedLine(line.Id, PurchasedLine.CustomerOf(line.UserId, line.Email), line.Sku, line.Quantity, line.PlacedAt);
    }
}
