using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

/// <summary>An order's invoice number: <see cref="Sequence"/> of <see cref="Year"/>, unique, with no gaps.</summary>
internal sealed class Invoice
{
    public Guid OrderId { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    public string Number { get; set; } = "";
    public DateTimeOffset IssuedAt { get; set; }
}

/// <summary>The last invoice sequence used in a year.</summary>
internal sealed class InvoiceCounter
{
    public int Year { get; set; }
    public int Last { get; set; }
}

/// <summary>Numbers each placed order's invoice as its event arrives, so numbers follow the order of placing.</summary>
internal sealed class InvoiceHandler(IInvoices invoices) : IIntegrationEventHandler<OrderPlacedEvent>
{
    public Task HandleAsync(OrderPlacedEvent e, CancellationToken ct) => invoices.IssueAsync(e.OrderId, e.PlacedAt, ct);
}

/// <summary>
/// The year's counter is raised and the invoice written in one transaction: the counter's row lock
/// puts numberings one after another, and a numbering that finds the order numbered already (by an
/// earlier or a concurrent one) rolls back, giving its number back, so the sequence never skips one.
/// </summary>
internal sealed class Invoices(CheckoutDbContext db, IOptions<InvoiceOptions> options, TimeProvider clock) : IInvoices
{
    public async Task<InvoiceView?> ForOrderAsync(Guid orderId, CancellationToken ct) =>
        await db.Invoices.AsNoTracking().Where(i => i.OrderId == orderId)
            .Select(i => new InvoiceView(i.Number, i.IssuedAt)).SingleOrDefaultAsync(ct);

    public async Task<InvoiceView> IssueAsync(Guid orderId, DateTimeOffset placedAt, CancellationToken ct)
    {
        if (await ForOrderAsync(orderId, ct) is { } issued) return issued;
        var year = placedAt.UtcDateTime.Year;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var sequence = (await db.Database.SqlQuery<int>($"""
                INSERT INTO checkout.invoice_counters (year, last) VALUES ({year}, 1)
                ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1
                RETURNING last AS "Value"
                """).ToListAsync(ct)).Single();
            var number = $"{options.Value.Prefix}{year}-{sequence:D6}";
            var written = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO checkout.invoices (order_id, year, sequence, number, issued_at)
                VALUES ({orderId}, {year}, {sequence}, {number}, {clock.GetUtcNow()})
                ON CONFLICT (order_id) DO NOTHING
                """, ct);
            if (written == 1) await tx.CommitAsync(ct);
            else await tx.RollbackAsync(ct);
        }
        return (await ForOrderAsync(orderId, ct))!;
    }
}
