using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using NpgsqlTypes;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;

namespace Storefront.Inventory.Stock;

internal sealed class PricesAndStock(InventoryDbContext db, TimeProvider clock, IMemoryCache cache) : IPricesAndStock, IStockBulkLoader
{
    /// <summary>
    /// How long a product page may show a SKU's price and stock before reading them again. Changes
    /// made through this instance evict the entry at once; other instances are at most this late.
    /// Nothing that takes stock (reservations, orders) reads through this cache.
    /// </summary>
    public static readonly TimeSpan DisplayCacheLifetime = TimeSpan.FromSeconds(2);

    private static string CacheKey(string sku) => "inventory:sku:" + sku;

    public const int MaxOnHand = 1_000_000_000;
    public const decimal MaxPrice = 9_999_999_999.99m;

    // Every product page asks for one SKU: a compiled query skips EF's per-call query cache lookup.
    private static readonly Func<InventoryDbContext, string, CancellationToken, Task<StockItem?>> BySku =
        EF.CompileAsyncQuery((InventoryDbContext db, string sku, CancellationToken ct) =>
            db.StockItems.AsNoTracking().FirstOrDefault(s => s.Sku == sku));

    public async Task<SkuStock?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(sku), out SkuStock? cached)) return cached;
        var stock = await BySku(db, sku, cancellationToken) is { } s ? new SkuStock(s.Sku, new Money(s.Price, s.Currency), s.OnHand, s.Reserved) : null;
        cache.Set(CacheKey(sku), stock, DisplayCacheLifetime);
        return stock;
    }

    public async Task<IReadOnlyDictionary<string, SkuStock>> GetManyAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        if (skus.Count == 0) return new Dictionary<string, SkuStock>();
        var list = skus.Distinct().ToList();
        return await db.StockItems.AsNoTracking()
            .Where(s => list.Contains(s.Sku))
            .Select(s => new SkuStock(s.Sku, new Money(s.Price, s.Currency), s.OnHand, s.Reserved))
            .ToDictionaryAsync(s => s.Sku, cancellationToken);
    }

    public async Task EnsureSkuAsync(SkuSeed seed, CancellationToken cancellationToken)
    {
        if (await db.StockItems.AnyAsync(s => s.Sku == seed.Sku, cancellationToken)) return;
        var now = clock.GetUtcNow();
        db.StockItems.Add(new StockItem
        {
            Sku = seed.Sku, Price = seed.Price, Currency = seed.Currency, OnHand = seed.OnHand, UpdatedAt = now,
        });
        db.AddIntegrationEvent(new PriceChangedEvent(seed.Sku, seed.Price, seed.Currency), now);
        db.AddIntegrationEvent(new StockChangedEvent(seed.Sku, seed.OnHand, seed.OnHand), now);
        await db.SaveChangesAsync(cancellationToken);
        cache.Remove(CacheKey(seed.Sku));
    }

    public Task<StockChangeResult> SetPriceAsync(string sku, decimal amount, string currency, CancellationToken cancellationToken) =>
        ChangeAsync(sku, (amount, currency), null, cancellationToken);

    public Task<StockChangeResult> SetOnHandAsync(string sku, int onHand, CancellationToken cancellationToken) =>
        ChangeAsync(sku, null, onHand, cancellationToken);

    public Task<StockChangeResult> SetPriceAndStockAsync(string sku, decimal amount, string currency, int onHand, CancellationToken cancellationToken) =>
        ChangeAsync(sku, (amount, currency), onHand, cancellationToken);

    private async Task<StockChangeResult> ChangeAsync(string sku, (decimal Amount, string Currency)? price, int? onHand, CancellationToken ct)
    {
        if (price is { } p && (p.Amount < 0 || p.Amount > MaxPrice || decimal.Round(p.Amount, 2) != p.Amount))
            return new(StockChangeOutcome.Invalid, "Enter a price between 0 and 9,999,999,999.99 with at most two decimals.", "Price");
        if (price is { } c && (c.Currency.Length != 3 || !c.Currency.All(char.IsAsciiLetterUpper)))
            return new(StockChangeOutcome.Invalid, "Currency must be a three-letter ISO code such as USD.", "Currency");
        if (onHand is < 0 or > MaxOnHand)
            return new(StockChangeOutcome.Invalid, "Stock must be a whole number between 0 and 1,000,000,000.", "OnHand");
        var item = await db.StockItems.FirstOrDefaultAsync(s => s.Sku == sku, ct);
        if (item is null) return new(StockChangeOutcome.UnknownSku, $"No SKU '{sku}' exists.");
        if (onHand < item.Reserved)
            return new(StockChangeOutcome.Invalid, $"{item.Reserved} units are held in carts; stock cannot go below that.", "OnHand");

        var now = clock.GetUtcNow();
        var changed = false;
        if (price is { } np && (item.Price != np.Amount || item.Currency != np.Currency))
        {
            (item.Price, item.Currency) = (np.Amount, np.Currency);
            db.AddIntegrationEvent(new PriceChangedEvent(sku, np.Amount, np.Currency), now);
            changed = true;
        }
        if (onHand is { } units && item.OnHand != units)
        {
            item.OnHand = units;
            db.AddIntegrationEvent(new StockChangedEvent(sku, units, units - item.Reserved), now);
            changed = true;
        }
        if (!changed) return new(StockChangeOutcome.Unchanged);
        item.UpdatedAt = now;
        // One SaveChanges: the row and its events commit together or not at all.
        await db.SaveChangesAsync(ct);
        cache.Remove(CacheKey(sku));
        return new(StockChangeOutcome.Changed);
    }

    public async Task<IReadOnlyList<SkuStock>> LowStockAsync(int threshold, int take, CancellationToken cancellationToken) =>
        await db.StockItems.AsNoTracking()
            .Where(s => s.OnHand - s.Reserved <= threshold)
            .OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku)
            .Take(take)
            .Select(s => new SkuStock(s.Sku, new Money(s.Price, s.Currency), s.OnHand, s.Reserved))
            .ToListAsync(cancellationToken);

    public async Task<long> LoadAsync(IEnumerable<SkuSeed> rows, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            await using var writer = await connection.BeginBinaryImportAsync(
                "COPY inventory.stock_items (sku, price, currency, on_hand, reserved, updated_at) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            foreach (var row in rows)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(row.Sku, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(row.Price, NpgsqlDbType.Numeric, cancellationToken);
                await writer.WriteAsync(row.Currency, NpgsqlDbType.Char, cancellationToken);
                await writer.WriteAsync(row.OnHand, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            return (long)await writer.CompleteAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
