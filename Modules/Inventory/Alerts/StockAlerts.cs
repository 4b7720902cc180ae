using Microsoft.EntityFrameworkCore;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;

namespace Storefront.Inventory.Alerts;

internal sealed class StockAlert
{
    public Guid Id { get; set; }
    public string Sku { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class StockAlerts(InventoryDbContext db, TimeProvider clock) : IStockAlerts
{
    public async Task<StockAlertOutcome> AddAsync(string sku, string userId, CancellationToken ct)
    {
        sku = sku.Trim();
        if (sku.Length is 0 or > 64 || string.IsNullOrEmpty(userId)) return StockAlertOutcome.UnknownSku;
        if (await AvailableAsync(sku, ct) is not { } available) return StockAlertOutcome.UnknownSku;
        if (available > 0) return StockAlertOutcome.InStock;

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // One account's asks one at a time: the count below stays true until this one is saved.
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"inventory:stock-alerts:" + userId}, 0))", ct);
            if (await db.StockAlerts.AnyAsync(a => a.UserId == userId && a.Sku == sku, ct)) return StockAlertOutcome.AlreadyAdded;
            if (await db.StockAlerts.CountAsync(a => a.UserId == userId, ct) >= StockAlertLimits.MaxPerAccount) return StockAlertOutcome.TooMany;
            var now = clock.GetUtcNow();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO inventory.stock_alerts (id, sku, user_id, created_at) VALUES ({Guid.CreateVersion7(now)}, {sku}, {userId}, {now})
                ON CONFLICT (user_id, sku) DO NOTHING
                """, ct);
            await tx.CommitAsync(ct);
        }
        // Stock that came back while this was saved was announced before the alert existed: the
        // shopper can buy it now instead of waiting for the next change.
        if (await AvailableAsync(sku, ct) > 0)
        {
            await db.StockAlerts.Where(a => a.UserId == userId && a.Sku == sku).ExecuteDeleteAsync(ct);
            return StockAlertOutcome.InStock;
        }
        return StockAlertOutcome.Added;
    }

    private async Task<int?> AvailableAsync(string sku, CancellationToken ct) =>
        await db.StockItems.AsNoTracking().Where(s => s.Sku == sku).Select(s => (int?)(s.OnHand - s.Reserved)).FirstOrDefaultAsync(ct);

    public async Task<bool> RemoveAsync(Guid id, string userId, CancellationToken ct) =>
        await db.StockAlerts.Where(a => a.Id == id && a.UserId == userId).ExecuteDeleteAsync(ct) > 0;

    public async Task<IReadOnlyList<StockAlertView>> ForUserAsync(string userId, CancellationToken ct) =>
        await db.StockAlerts.AsNoTracking().Where(a => a.UserId == userId).OrderByDescending(a => a.CreatedAt)
            .Select(a => new StockAlertView(a.Id, a.Sku, a.CreatedAt)).ToListAsync(ct);

    public async Task<IReadOnlyList<DueStockAlert>> DueAsync(string sku, int max, CancellationToken ct)
    {
        if (await AvailableAsync(sku, ct) is not > 0) return [];
        return await db.StockAlerts.AsNoTracking().Where(a => a.Sku == sku).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Take(Math.Clamp(max, 1, 1000)).Select(a => new DueStockAlert(a.Id, a.Sku, a.UserId)).ToListAsync(ct);
    }

    public Task CompleteAsync(Guid id, CancellationToken ct) => db.StockAlerts.Where(a => a.Id == id).ExecuteDeleteAsync(ct);

    public Task<int> ForgetUserAsync(string userId, CancellationToken ct) => db.StockAlerts.Where(a => a.UserId == userId).ExecuteDeleteAsync(ct);
}
