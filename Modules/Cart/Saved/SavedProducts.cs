using Microsoft.EntityFrameworkCore;
using Storefront.Cart.Contracts;
using Storefront.Cart.Data;

namespace Storefront.Cart.Saved;

/// <summary>A product a shopper saved for later (cart.saved_products).</summary>
internal sealed class SavedProductRow
{
    public string UserId { get; set; } = "";
    public string Sku { get; set; } = "";
    public DateTimeOffset SavedAt { get; set; }
}

/// <summary>
/// Saved products in PostgreSQL. A save takes the account's advisory lock for its transaction, so
/// the count holds against saves from several tabs at once, and inserts with <c>ON CONFLICT DO
/// NOTHING</c>, so a double click keeps one row.
/// </summary>
internal sealed class SavedProducts(CartDbContext db, TimeProvider clock) : ISavedProducts
{
    public async Task<SavedOutcome> SaveAsync(string userId, string sku, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext('cart:saved:' || {userId}))", ct);
        if (await db.SavedProducts.AnyAsync(s => s.UserId == userId && s.Sku == sku, ct)) return SavedOutcome.AlreadySaved;
        if (await db.SavedProducts.CountAsync(s => s.UserId == userId, ct) >= ISavedProducts.MaxPerAccount) return SavedOutcome.TooMany;
        var saved = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO cart.saved_products (user_id, sku, saved_at) VALUES ({userId}, {sku}, {clock.GetUtcNow()}) ON CONFLICT DO NOTHING", ct);
        await tx.CommitAsync(ct);
        return saved == 1 ? SavedOutcome.Saved : SavedOutcome.AlreadySaved;
    }

    public async Task<bool> RemoveAsync(string userId, string sku, CancellationToken ct) =>
        await db.SavedProducts.Where(s => s.UserId == userId && s.Sku == sku).ExecuteDeleteAsync(ct) > 0;

    public async Task<IReadOnlyList<SavedProduct>> ForUserAsync(string userId, CancellationToken ct) =>
        await db.SavedProducts.AsNoTracking().Where(s => s.UserId == userId).OrderByDescending(s => s.SavedAt).ThenBy(s => s.Sku)
            .Select(s => new SavedProduct(s.Sku, s.SavedAt)).ToListAsync(ct);

    public Task<int> ForgetUserAsync(string userId, CancellationToken ct) =>
        db.SavedProducts.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
}
