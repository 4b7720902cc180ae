using Storefront.BuildingBlocks.Outcomes;
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

    public const int MaxOnHand = StockLimits.MaxOnHand;
    public const decimal MaxPrice = StockLimits.MaxPrice;

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
        db.StockLedger.Add(new StockLedgerEntry
        {
            Sku = seed.Sku, Delta = seed.OnHand, OnHandAfter = seed.OnHand, Reason = "Initial stock", Actor = "system", CreatedAt = now,
        });
        db.AddIntegrationEvent(new PriceChangedEvent(seed.Sku, seed.Price, seed.Currency), now);
        db.AddIntegrationEvent(new StockChangedEvent(seed.Sku, seed.OnHand, seed.OnHand), now);
        await db.SaveChangesAsync(cancellationToken);
        cache.Remove(CacheKey(seed.Sku));
    }

    public async Task<StockChangeResult> StartSkuAsync(SkuSeed seed, StockChangeContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(seed.Sku) || seed.Sku.Length > 64)
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.SkuInvalid), "Sku");
        if (Check((seed.Price, seed.Currency), seed.OnHand, null) is { } invalid) return invalid;
        if (!await db.StockItems.AnyAsync(s => s.Sku == seed.Sku, cancellationToken))
        {
            try
            {
                await EnsureSkuAsync(seed, cancellationToken);
                return new(StockChangeOutcome.Changed);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Made at the same moment by a twin request: set it like any existing SKU.
                db.ChangeTracker.Clear();
            }
        }
        return await ChangeAsync(seed.Sku, (seed.Price, seed.Currency), seed.OnHand, null, context, cancellationToken);
    }

    public Task<StockChangeResult> SetPriceAsync(string sku, decimal amount, string currency, CancellationToken cancellationToken) =>
        ChangeAsync(sku, (amount, currency), null, null, StockChangeContext.System, cancellationToken);

    public Task<StockChangeResult> SetOnHandAsync(string sku, int onHand, StockChangeContext context, CancellationToken cancellationToken) =>
        ChangeAsync(sku, null, onHand, null, context, cancellationToken);

    public Task<StockChangeResult> AdjustOnHandAsync(string sku, int delta, StockChangeContext context, CancellationToken cancellationToken) =>
        delta == 0
            ? Task.FromResult(new StockChangeResult(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.AdjustmentZero), "OnHand"))
            : ChangeAsync(sku, null, null, delta, context, cancellationToken);

    public Task<StockChangeResult> SetPriceAndStockAsync(string sku, decimal amount, string currency, int onHand, SeenPriceAndStock? seen, StockChangeContext context, CancellationToken cancellationToken) =>
        ChangeAsync(sku, (amount, currency), onHand, null, context, cancellationToken, seen);

    public async Task<IReadOnlyList<StockLedgerLine>> LedgerAsync(string sku, int take, CancellationToken cancellationToken) =>
        await db.StockLedger.AsNoTracking().Where(l => l.Sku == sku).OrderByDescending(l => l.Id).Take(Math.Clamp(take, 1, 500))
            .Select(l => new StockLedgerLine(l.Id, l.Sku, l.Delta, l.OnHandAfter, l.Reason, l.Actor, l.Reference, l.CreatedAt))
            .ToListAsync(cancellationToken);

    private async Task<StockChangeResult> ChangeAsync(string sku, (decimal Amount, string Currency)? price, int? onHand, int? delta,
        StockChangeContext context, CancellationToken ct, SeenPriceAndStock? seen = null)
    {
        if ((onHand is not null || delta is not null) && (string.IsNullOrWhiteSpace(context.Reason) || context.Reason.Length > 200))
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.ReasonInvalid), "Reason");
        if (Check(price, onHand, delta) is { } invalid) return invalid;
        // The row is locked for the rest of the transaction, so the ledger's running total is exact
        // even when two merchants adjust the same SKU at once.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var item = await db.StockItems.FromSqlInterpolated($"SELECT * FROM inventory.stock_items WHERE sku = {sku} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (item is null) return new(StockChangeOutcome.UnknownSku, Problem.Of(InventoryProblems.UnknownSku, ("sku", sku)));
        // Under the row lock, so two requests with one reference cannot both pass this check.
        if (context is { OncePerReference: true, Reference: { } reference }
            && await db.StockLedger.AnyAsync(l => l.Sku == sku && l.Reason == context.Reason.Trim() && l.Reference == reference, ct))
            return new(StockChangeOutcome.Unchanged);
        if (seen is not null)
        {
            // Only what the merchant changed is applied; what they changed must not have moved under them.
            var priceEdited = price is { } p && (p.Amount != seen.Price || p.Currency != seen.Currency);
            var countEdited = onHand is { } n && n != seen.OnHand;
            if ((priceEdited && (item.Price != seen.Price || item.Currency != seen.Currency)) || (countEdited && item.OnHand != seen.OnHand))
                return new(StockChangeOutcome.ChangedMeanwhile,
                    Problem.Of(InventoryProblems.ChangedMeanwhile, ("price", new Money(item.Price, item.Currency)), ("onHand", item.OnHand)),
                    priceEdited && (item.Price != seen.Price || item.Currency != seen.Currency) ? "Price" : "OnHand");
            if (!priceEdited) price = null;
            if (!countEdited) onHand = null;
        }
        if (delta is { } d)
        {
            onHand = item.OnHand + d;
            if (onHand is < 0 or > MaxOnHand)
                return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.BelowZero, ("onHand", item.OnHand)), "OnHand");
        }
        if (onHand < item.Reserved)
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.BelowHeld, ("reserved", item.Reserved)), "OnHand");

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
            db.StockLedger.Add(new StockLedgerEntry
            {
                Sku = sku, Delta = units - item.OnHand, OnHandAfter = units, Reason = context.Reason.Trim(),
                Actor = context.Actor.Length > 100 ? context.Actor[..100] : context.Actor,
                Reference = context.Reference is { Length: > 100 } r ? r[..100] : context.Reference, CreatedAt = now,
            });
            item.OnHand = units;
            db.AddIntegrationEvent(new StockChangedEvent(sku, units, units - item.Reserved), now);
            changed = true;
        }
        if (!changed) return new(StockChangeOutcome.Unchanged);
        item.UpdatedAt = now;
        // The row, its ledger line and its events commit together or not at all.
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        cache.Remove(CacheKey(sku));
        return new(StockChangeOutcome.Changed);
    }

    private static StockChangeResult? Check((decimal Amount, string Currency)? price, int? onHand, int? delta)
    {
        if (price is { } p && (p.Amount < 0 || p.Amount > MaxPrice || decimal.Round(p.Amount, 2) != p.Amount))
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.PriceInvalid), "Price");
        if (price is { } c && !StoreCurrencyOptions.IsIsoCode(c.Currency))
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.CurrencyInvalid), "Currency");
        if (onHand is < 0 or > MaxOnHand)
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.StockInvalid), "OnHand");
        if (delta is < -MaxOnHand or > MaxOnHand)
            return new(StockChangeOutcome.Invalid, Problem.Of(InventoryProblems.AdjustmentTooLarge), "OnHand");
        return null;
    }

    public async Task<LowStockPage> LowStockPageAsync(int threshold, int page, int pageSize, CancellationToken cancellationToken)
    {
        var size = Math.Clamp(pageSize, 1, 200);
        var counts = await db.StockItems.AsNoTracking()
            .Where(s => s.OnHand - s.Reserved <= threshold)
            .GroupBy(_ => 1)
            .Select(g => new { Out = g.LongCount(s => s.OnHand - s.Reserved <= 0), All = g.LongCount() })
            .SingleOrDefaultAsync(cancellationToken);
        var (outOfStock, total) = (counts?.Out ?? 0, counts?.All ?? 0);
        var at = Paging.Within(page, size, total);
        var items = await db.StockItems.AsNoTracking()
            .Where(s => s.OnHand - s.Reserved <= threshold)
            .OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku)
            .Skip((at - 1) * size).Take(size)
            .Select(s => new SkuStock(s.Sku, new Money(s.Price, s.Currency), s.OnHand, s.Reserved))
            .ToListAsync(cancellationToken);
        return new LowStockPage(items, at, size, outOfStock, total - outOfStock);
    }

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
            var loaded = (long)await writer.CompleteAsync(cancellationToken);
            await writer.DisposeAsync();
            await using var ledger = await connection.BeginBinaryImportAsync(
                "COPY inventory.stock_ledger (sku, delta, on_hand_after, reason, actor, created_at) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            foreach (var row in rows)
            {
                await ledger.StartRowAsync(cancellationToken);
                await ledger.WriteAsync(row.Sku, NpgsqlDbType.Varchar, cancellationToken);
                await ledger.WriteAsync(row.OnHand, NpgsqlDbType.Integer, cancellationToken);
                await ledger.WriteAsync(row.OnHand, NpgsqlDbType.Integer, cancellationToken);
                await ledger.WriteAsync("Initial stock", NpgsqlDbType.Varchar, cancellationToken);
                await ledger.WriteAsync("system", NpgsqlDbType.Varchar, cancellationToken);
                await ledger.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await ledger.CompleteAsync(cancellationToken);
            return loaded;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
