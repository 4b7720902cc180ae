using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;

namespace Storefront.Inventory.Reservations;

/// <summary>
/// Holds are rows with an expiry; the SKU row's <c>reserved</c> column is their sum, kept by
/// conditional UPDATEs so that <c>0 ≤ reserved ≤ on_hand</c> (a CHECK) can never be broken, whatever
/// runs at the same time. The statements are SQL on purpose: each must be one atomic step.
/// </summary>
internal sealed class StockReservations(InventoryDbContext db, IOptions<ReservationOptions> options, TimeProvider clock, IMemoryCache cache)
    : IStockReservations
{
    public async Task<ReservationResult> ReserveAsync(string holder, string sku, int quantity, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(holder) || holder.Length > 100 || string.IsNullOrWhiteSpace(sku) || sku.Length > 64)
            return new(ReservationOutcome.Invalid, 0, 0, "Unknown cart or product.");
        if (quantity < 0 || quantity > options.Value.MaxQuantityPerLine)
            return new(ReservationOutcome.Invalid, 0, 0, $"Choose a quantity from 1 to {options.Value.MaxQuantityPerLine}.");
        if (!options.Value.Enabled)
        {
            var free = await AvailableAsync(sku, ct);
            return free is null ? new(ReservationOutcome.UnknownSku, 0, 0, "This product is no longer sold.")
                : free >= quantity ? new(quantity == 0 ? ReservationOutcome.Released : ReservationOutcome.Reserved, quantity, free.Value)
                : new(ReservationOutcome.NotEnoughStock, 0, free.Value, NotEnough(free.Value));
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ReserveOnceAsync(holder, sku, quantity, ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && attempt < 3)
            {
                // The same holder placed its first hold on this SKU twice at once: the next
                // attempt finds the other one's row and adjusts it.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static string NotEnough(int available) =>
        available == 0 ? "Sorry, this product is out of stock." : $"Sorry, only {available} left.";

    private async Task<ReservationResult> ReserveOnceAsync(string holder, string sku, int quantity, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await LockSkuAsync(sku, ct)) return new(ReservationOutcome.UnknownSku, 0, 0, "This product is no longer sold.");
        await ExpireAsync(sku, now, ct);
        var existing = await db.Reservations
            .FromSqlInterpolated($"SELECT * FROM inventory.reservations WHERE holder = {holder} AND sku = {sku} AND status = 'active' FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        var delta = quantity - (existing?.Quantity ?? 0);

        var changed = delta == 0 || await ExecuteAsync(
            "UPDATE inventory.stock_items SET reserved = reserved + @delta WHERE sku = @sku AND on_hand - reserved >= @delta", ct,
            ("delta", delta), ("sku", sku)) == 1;
        if (!changed)
        {
            var free = await AvailableAsync(sku, ct);
            if (free is null) return new(ReservationOutcome.UnknownSku, 0, 0, "This product is no longer sold.");
            var couldHave = free.Value + (existing?.Quantity ?? 0);
            return new(ReservationOutcome.NotEnoughStock, existing?.Quantity ?? 0, couldHave, NotEnough(couldHave));
        }
        if (delta == 0 && existing is null)
            return new(ReservationOutcome.Released, 0, await AvailableAsync(sku, ct) ?? 0);

        var expires = now + options.Value.HoldDuration;
        if (quantity == 0)
        {
            if (existing is not null) (existing.Status, existing.UpdatedAt) = (ReservationStatus.Released, now);
        }
        else if (existing is null)
        {
            db.Reservations.Add(new Reservation
            {
                Id = Guid.CreateVersion7(now), Sku = sku, Holder = holder, Quantity = quantity,
                ExpiresAt = expires, CreatedAt = now, UpdatedAt = now,
            });
        }
        else
        {
            (existing.Quantity, existing.ExpiresAt, existing.UpdatedAt) = (quantity, expires, now);
        }
        // The SKU's expired holds were swept above, so on_hand - reserved is what is free now.
        var available = delta != 0 ? await PublishAvailabilityAsync(sku, now, ct) : await AvailableAsync(sku, ct) ?? 0;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(quantity == 0 ? ReservationOutcome.Released : ReservationOutcome.Reserved, quantity, available + quantity);
    }

    public async Task<bool> ReleaseAsync(string holder, string sku, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await LockSkuAsync(sku, ct)) return false;
        var released = await ExecuteAsync("""
            WITH r AS (
                UPDATE inventory.reservations SET status = 'released', updated_at = @now
                WHERE holder = @holder AND sku = @sku AND status = 'active' RETURNING quantity)
            UPDATE inventory.stock_items SET reserved = reserved - (SELECT sum(quantity) FROM r)
            WHERE sku = @sku AND EXISTS (SELECT 1 FROM r)
            """, ct, ("now", now), ("holder", holder), ("sku", sku)) == 1;
        if (released) await PublishAvailabilityAsync(sku, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return released;
    }

    public async Task<CommitOutcome> CommitAsync(string holder, string sku, string reference, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await LockSkuAsync(sku, ct)) return CommitOutcome.NoHold;
        var hold = await db.Reservations
            .FromSqlInterpolated($"SELECT * FROM inventory.reservations WHERE holder = {holder} AND sku = {sku} AND status IN ('active', 'committed') AND (status = 'active' OR reference = {reference}) ORDER BY updated_at DESC LIMIT 1 FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (hold is null) return CommitOutcome.NoHold;
        if (hold.Status == ReservationStatus.Committed) return CommitOutcome.AlreadyCommitted;
        // A hold that has expired but not yet been swept is still honoured: its units were never
        // given to anyone else, since expiry and reservation of a SKU take the same row lock.
        var onHand = (int)(await ScalarAsync(
            "UPDATE inventory.stock_items SET on_hand = on_hand - @q, reserved = reserved - @q, updated_at = @now WHERE sku = @sku RETURNING on_hand",
            ct, ("q", hold.Quantity), ("now", now), ("sku", sku)))!;
        (hold.Status, hold.Reference, hold.UpdatedAt) = (ReservationStatus.Committed, reference, now);
        db.StockLedger.Add(new Stock.StockLedgerEntry
        {
            Sku = sku, Delta = -hold.Quantity, OnHandAfter = onHand, Reason = "Order", Actor = "checkout", Reference = reference, CreatedAt = now,
        });
        await PublishAvailabilityAsync(sku, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CommitOutcome.Committed;
    }

    public async Task<IReadOnlyDictionary<string, int>> AvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var list = skus.Distinct().ToArray();
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (list.Length == 0) return result;
        // Holds past their expiry count as available even before the job sweeps them.
        return await WithCommandAsync("""
            SELECT s.sku, (s.on_hand - s.reserved + coalesce((
                SELECT sum(r.quantity) FROM inventory.reservations r
                WHERE r.sku = s.sku AND r.status = 'active' AND r.expires_at <= @now), 0))::int
            FROM inventory.stock_items s WHERE s.sku = ANY(@skus)
            """, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt32(1);
            return result;
        }, ct, ("now", clock.GetUtcNow()), ("skus", list));
    }

    public async Task<IReadOnlyDictionary<string, HoldView>> HoldsOfAsync(string holder, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(holder)) return new Dictionary<string, HoldView>();
        var now = clock.GetUtcNow();
        return await db.Reservations.AsNoTracking()
            .Where(r => r.Holder == holder && r.Status == ReservationStatus.Active && r.ExpiresAt > now)
            .Select(r => new HoldView(r.Id, r.Sku, r.Holder, r.Quantity, r.ExpiresAt))
            .ToDictionaryAsync(h => h.Sku, StringComparer.Ordinal, ct);
    }

    public async Task<IReadOnlyList<HoldView>> HoldsAsync(string sku, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Reservations.AsNoTracking()
            .Where(r => r.Sku == sku && r.Status == ReservationStatus.Active && r.ExpiresAt > now)
            .OrderBy(r => r.ExpiresAt)
            .Select(r => new HoldView(r.Id, r.Sku, r.Holder, r.Quantity, r.ExpiresAt))
            .ToListAsync(ct);
    }

    public async Task<int> ReleaseExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var skus = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt <= now)
            .Select(r => r.Sku).Distinct().Take(10_000).ToListAsync(ct);
        var released = 0;
        foreach (var sku in skus)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (!await LockSkuAsync(sku, ct)) continue;
            var count = await ExpireAsync(sku, now, ct);
            if (count > 0) await PublishAvailabilityAsync(sku, now, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            released += count;
        }
        return released;
    }

    /// <summary>Marks a SKU's expired holds and takes them out of <c>reserved</c>, in one statement.</summary>
    private async Task<int> ExpireAsync(string sku, DateTimeOffset now, CancellationToken ct) =>
        (int)(await ScalarAsync("""
            WITH e AS (
                UPDATE inventory.reservations SET status = 'expired', updated_at = @now
                WHERE sku = @sku AND status = 'active' AND expires_at <= @now RETURNING quantity),
            s AS (
                UPDATE inventory.stock_items SET reserved = reserved - (SELECT sum(quantity) FROM e)
                WHERE sku = @sku AND EXISTS (SELECT 1 FROM e) RETURNING 1)
            SELECT count(*)::int FROM e
            """, ct, ("now", now), ("sku", sku)))!;

    private async Task<int?> AvailableAsync(string sku, CancellationToken ct) =>
        (await AvailabilityAsync([sku], ct)).TryGetValue(sku, out var free) ? free : null;

    /// <summary>Queues the SKU's new availability as an event; returns it.</summary>
    private async Task<int> PublishAvailabilityAsync(string sku, DateTimeOffset now, CancellationToken ct)
    {
        var (onHand, reserved) = await WithCommandAsync("SELECT on_hand, reserved FROM inventory.stock_items WHERE sku = @sku", async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt32(0), reader.GetInt32(1));
        }, ct, ("sku", sku));
        db.AddIntegrationEvent(new StockChangedEvent(sku, onHand, onHand - reserved), now);
        cache.Remove("inventory:sku:" + sku);
        return onHand - reserved;
    }

    /// <summary>
    /// Every operation on a SKU's holds takes the SKU row's lock first, so holds and stock are always
    /// locked in the same order and concurrent operations cannot deadlock; false when the SKU is unknown.
    /// </summary>
    private async Task<bool> LockSkuAsync(string sku, CancellationToken ct) =>
        await ScalarAsync("SELECT 1 FROM inventory.stock_items WHERE sku = @sku FOR NO KEY UPDATE", ct, ("sku", sku)) is not null;

    private Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters) =>
        WithCommandAsync(sql, command => command.ExecuteNonQueryAsync(ct), ct, parameters);

    private Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters) =>
        WithCommandAsync(sql, command => command.ExecuteScalarAsync(ct), ct, parameters);

    /// <summary>Runs a command on the context's connection and current transaction, if any.</summary>
    private async Task<T> WithCommandAsync<T>(string sql, Func<NpgsqlCommand, Task<T>> use, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return await use(command);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
