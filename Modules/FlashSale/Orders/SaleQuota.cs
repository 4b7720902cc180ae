using Microsoft.EntityFrameworkCore;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Orders;

/// <summary>
/// The stock of sale orders, for the checkout saga: the units the sale took out of normal stock when
/// it was armed. An order commits its unit here, in PostgreSQL, under the sale row's lock: never more
/// orders than units held, never more than the limit per customer, whatever Redis said. This is the
/// final guard that holds through a Redis loss, a failover or a bug in the fast path.
/// </summary>
internal sealed class SaleQuota(FlashSaleDbContext db) : IReservedStock
{
    public const string SourceName = "flashsale";

    public string Source => SourceName;

    public async Task<bool> CommitAsync(string reference, string orderNumber, CancellationToken ct)
    {
        if (!Guid.TryParseExact(reference, "N", out var purchaseId)) return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var purchase = await db.Purchases.FirstOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return false;
        var sale = (await db.Sales.FromSql($"SELECT * FROM flashsale.sales WHERE id = {purchase.SaleId} FOR UPDATE").ToListAsync(ct)).Single();
        // Read again under the sale's lock: a concurrent commit of the same purchase has finished by now.
        await db.Entry(purchase).ReloadAsync(ct);
        if (purchase.Committed) return true;
        var customersUnits = await db.Purchases.CountAsync(p => p.SaleId == sale.Id && p.Customer == purchase.Customer && p.Committed, ct);
        if (sale.Sold + sale.Returned >= sale.QuotaHeld || customersUnits >= sale.LimitPerCustomer) return false;
        (purchase.Committed, sale.Sold) = (true, sale.Sold + 1);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task ReturnAsync(string reference, CancellationToken ct)
    {
        if (!Guid.TryParseExact(reference, "N", out var purchaseId)) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var purchase = await db.Purchases.FirstOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return;
        var sale = (await db.Sales.FromSql($"SELECT * FROM flashsale.sales WHERE id = {purchase.SaleId} FOR UPDATE").ToListAsync(ct)).Single();
        await db.Entry(purchase).ReloadAsync(ct);
        if (!purchase.Committed) return;
        (purchase.Committed, sale.Sold) = (false, sale.Sold - 1);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
