using Storefront.BuildingBlocks.Outcomes;
using Storefront.BuildingBlocks.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;

namespace Storefront.Inventory.Reservations;

/// <summary>
/// Holds are rows with an expiry; the SKU row's <c>reserved</c> column is their sum, kept by
/// conditional UPDATEs so that <c>0 ≤ reserved ≤ on_hand</c> (a CHECK) can never be broken, whatever
/// runs at the same time. The statements are SQL on purpose: each must be one atomic step.
/// </summary>
internal sealed class StockReservations(InventoryDbContext db, IOptions<ReservationOptions> options, TimeProvider clock, IMemoryCache cache,
    OutboxSignal outboxSignal)
    : IStockReservations
{
    public Task<ReservationResult> ReserveAsync(string holder, string sku, int quantity, CancellationToken ct) =>
        ReserveAsync(holder, sku, quantity, withinShare: false, ct);

    public Task<ReservationResult> ReserveShareAsync(string holder, string sku, int quantity, CancellationToken ct) =>
        ReserveAsync(holder, sku, quantity, withinShare: true, ct);

    private async Task<ReservationResult> ReserveAsync(string holder, string sku, int quantity, bool withinShare, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(holder) || holder.Length > 100 || string.IsNullOrWhiteSpace(sku) || sku.Length > 64)
            return new(ReservationOutcome.Invalid, 0, 0, Problem.Of(InventoryProblems.UnknownHolderOrSku));
        if (quantity < 0 || quantity > options.Value.MaxQuantityPerLine)
            return new(ReservationOutcome.Invalid, 0, 0, Problem.Of(InventoryProblems.QuantityOutOfRange, ("max", options.Value.MaxQuantityPerLine)));
        if (!options.Value.Enabled)
        {
            var free = await AvailableAsync(sku, ct);
            return free is null ? new(ReservationOutcome.UnknownSku, 0, 0, Problem.Of(InventoryProblems.NoLongerSold))
                : free >= quantity ? new(quantity == 0 ? ReservationOutcome.Released : ReservationOutcome.Reserved, quantity, free.Value)
                : new(ReservationOutcome.NotEnoughStock, 0, free.Value, NotEnough(free.Value));
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ReserveOnceAsync(holder, sku, quantity, withinShare, ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
                // The same holder placed its first hold on this SKU twice at once: the next
                // attempt finds the other one's row and adjusts it.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static Problem NotEnough(int available) =>
        available == 0 ? Problem.Of(InventoryProblems.OutOfStock) : Problem.Of(InventoryProblems.OnlyLeft, ("available", available));

    private const string ReadForReserveSql = """
        SELECT s.on_hand, s.reserved, s.price, s.currency,
               coalesce((SELECT sum(r.quantity) FROM inventory.reservations r
                         WHERE r.sku = s.sku AND r.status = 'active' AND r.expires_at <= @now AND r.holder <> @holder), 0)::int,
               own.id, own.quantity
        FROM inventory.stock_items s
        LEFT JOIN inventory.reservations own ON own.sku = s.sku AND own.holder = @holder AND own.status = 'active'
        WHERE s.sku = @sku
        """;

    /// <summary>
    /// A hold in two round trips. The first opens the transaction, locks the SKU row and then (as a
    /// second statement, so with a snapshot taken after the lock) reads stock, price, the holder's
    /// own hold and what other holders' expired holds free up. The second sweeps those expired holds,
    /// moves <c>reserved</c> by the difference (the CHECK still guards it), writes the hold and the
    /// outbox event, and commits. The holder's own hold, even if past its expiry, is renewed rather
    /// than swept: its units were never given to anyone else.
    /// </summary>
    private async Task<ReservationResult> ReserveOnceAsync(string holder, string sku, int quantity, bool withinShare, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var inTransaction = false;
        try
        {
            int onHand, reserved, expiredOthers, ownQuantity;
            Guid? ownId;
            Money price;
            await using (var read = new NpgsqlBatch(connection))
            {
                read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                var lockSku = new NpgsqlBatchCommand("SELECT 1 FROM inventory.stock_items WHERE sku = @sku FOR NO KEY UPDATE");
                lockSku.Parameters.AddWithValue("sku", sku);
                read.BatchCommands.Add(lockSku);
                var state = new NpgsqlBatchCommand(ReadForReserveSql);
                state.Parameters.AddWithValue("sku", sku);
                state.Parameters.AddWithValue("holder", holder);
                state.Parameters.AddWithValue("now", now);
                read.BatchCommands.Add(state);
                inTransaction = true;
                await using var reader = await read.ExecuteReaderAsync(ct);
                await reader.NextResultAsync(ct); // past the lock's result
                if (!await reader.ReadAsync(ct))
                {
                    await reader.DisposeAsync();
                    await RollbackAsync(connection);
                    inTransaction = false;
                    return new(ReservationOutcome.UnknownSku, 0, 0, Problem.Of(InventoryProblems.NoLongerSold));
                }
                (onHand, reserved) = (reader.GetInt32(0), reader.GetInt32(1));
                price = new Money(reader.GetDecimal(2), reader.GetString(3).Trim());
                expiredOthers = reader.GetInt32(4);
                ownId = reader.IsDBNull(5) ? null : reader.GetGuid(5);
                ownQuantity = reader.IsDBNull(6) ? 0 : reader.GetInt32(6);
            }

            var free = onHand - reserved + expiredOthers;
            var delta = quantity - ownQuantity;
            // The share is taken of on-hand stock read under the SKU's lock, so it is exact however
            // many carts reserve at once. It answers only when the stock could cover the request:
            // otherwise "only N left" is the truer answer.
            var limit = options.Value.LimitPerHolder(onHand);
            if (withinShare && delta > 0 && delta <= free && quantity > limit)
            {
                await RollbackAsync(connection);
                inTransaction = false;
                return new(ReservationOutcome.LimitReached, ownQuantity, limit, Problem.Of(InventoryProblems.HoldLimit, ("limit", limit)))
                    { Price = price, Limit = limit };
            }
            if (delta > free || (delta == 0 && ownId is null))
            {
                await RollbackAsync(connection);
                inTransaction = false;
                return delta > free
                    ? new(ReservationOutcome.NotEnoughStock, ownQuantity, free + ownQuantity, NotEnough(free + ownQuantity)) { Price = price }
                    : new(ReservationOutcome.Released, 0, free) { Price = price };
            }

            var change = delta - expiredOthers;
            var available = free - delta;
            await using (var write = new NpgsqlBatch(connection))
            {
                if (expiredOthers > 0)
                {
                    var sweep = new NpgsqlBatchCommand("""
                        UPDATE inventory.reservations SET status = 'expired', updated_at = @now
                        WHERE sku = @sku AND status = 'active' AND expires_at <= @now AND holder <> @holder
                        """);
                    sweep.Parameters.AddWithValue("now", now);
                    sweep.Parameters.AddWithValue("sku", sku);
                    sweep.Parameters.AddWithValue("holder", holder);
                    write.BatchCommands.Add(sweep);
                }
                // The hold row is written only if the conditional UPDATE of the stock row matched
                // (one statement); under the SKU lock it always does, and the CHECK on reserved
                // would still stop a mistake.
                const string stock = """
                    WITH s AS (
                        UPDATE inventory.stock_items SET reserved = reserved + @change
                        WHERE sku = @sku AND on_hand - reserved >= @change RETURNING 1)
                    """;
                var expires = now + options.Value.HoldDuration;
                NpgsqlBatchCommand hold;
                if (ownId is { } id)
                {
                    hold = new NpgsqlBatchCommand(stock + """
                        UPDATE inventory.reservations SET expires_at = @expires, updated_at = @now,
                            quantity = CASE WHEN @quantity = 0 THEN quantity ELSE @quantity END,
                            status = CASE WHEN @quantity = 0 THEN 'released' ELSE 'active' END
                        WHERE id = @id AND EXISTS (SELECT 1 FROM s)
                        """);
                    hold.Parameters.AddWithValue("id", id);
                }
                else
                {
                    hold = new NpgsqlBatchCommand(stock + """
                        INSERT INTO inventory.reservations (id, sku, holder, quantity, status, expires_at, created_at, updated_at)
                        SELECT @id, @sku, @holder, @quantity, 'active', @expires, @now, @now WHERE EXISTS (SELECT 1 FROM s)
                        """);
                    hold.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
                    hold.Parameters.AddWithValue("holder", holder);
                }
                hold.Parameters.AddWithValue("sku", sku);
                hold.Parameters.AddWithValue("change", change);
                hold.Parameters.AddWithValue("quantity", quantity);
                hold.Parameters.AddWithValue("expires", expires);
                hold.Parameters.AddWithValue("now", now);
                write.BatchCommands.Add(hold);
                if (change != 0)
                    write.BatchCommands.Add(OutboxSql.Insert(InventoryDbContext.Schema, new StockChangedEvent(sku, onHand, available), now));
                write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await write.ExecuteNonQueryAsync(ct);
                inTransaction = false;
            }
            if (change != 0)
            {
                cache.Remove("inventory:sku:" + sku);
                outboxSignal.Committed();
            }
            return new(quantity == 0 ? ReservationOutcome.Released : ReservationOutcome.Reserved, quantity, available + quantity) { Price = price };
        }
        catch when (inTransaction)
        {
            await RollbackAsync(connection);
            throw;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Ends a hand-written transaction; never throws, so the first error is the one reported.</summary>
    private static async Task RollbackAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is discarded by the pool; its transaction died with it.
        }
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

    public async Task<CommitOutcome> CommitAsync(string holder, string sku, int quantity, string reference, CancellationToken ct)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "Commit at least one unit.");
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await LockSkuAsync(sku, ct)) return CommitOutcome.NoHold;
        var hold = await db.Reservations
            .FromSqlInterpolated($"SELECT * FROM inventory.reservations WHERE holder = {holder} AND sku = {sku} AND status IN ('active', 'committed') AND (status = 'active' OR reference = {reference}) ORDER BY updated_at DESC LIMIT 1 FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (hold is null) return CommitOutcome.NoHold;
        if (hold.Status == ReservationStatus.Committed) return CommitOutcome.AlreadyCommitted;
        // Exactly what was priced and paid for is taken, whatever the hold says now: units held
        // beyond it go back, and units missing from it are taken from free stock if it is there.
        // A hold that has expired but not yet been swept is still honoured: its units were never
        // given to anyone else, since expiry and reservation of a SKU take the same row lock.
        var extra = quantity - hold.Quantity;
        if (extra > 0)
        {
            var free = (int)(await ScalarAsync("SELECT on_hand - reserved FROM inventory.stock_items WHERE sku = @sku", ct, ("sku", sku)))!;
            if (free < extra) return CommitOutcome.NotEnoughStock;
        }
        var onHand = (int)(await ScalarAsync(
            "UPDATE inventory.stock_items SET on_hand = on_hand - @q, reserved = reserved - @held, updated_at = @now WHERE sku = @sku RETURNING on_hand",
            ct, ("q", quantity), ("held", hold.Quantity), ("now", now), ("sku", sku)))!;
        (hold.Status, hold.Quantity, hold.Reference, hold.UpdatedAt) = (ReservationStatus.Committed, quantity, reference, now);
        db.StockLedger.Add(new Stock.StockLedgerEntry
        {
            Sku = sku, Delta = -quantity, OnHandAfter = onHand, Reason = "Order", Actor = "checkout", Reference = reference, CreatedAt = now,
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

    public async Task<IReadOnlyList<string>> HoldersAsync(string prefix, string? after, int take, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var holders = db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt > now && r.Holder.StartsWith(prefix));
        if (after is not null) holders = holders.Where(r => string.Compare(r.Holder, after) > 0);
        return await holders.Select(r => r.Holder).Distinct().OrderBy(h => h).Take(Math.Clamp(take, 1, 10_000)).ToListAsync(ct);
    }

    public async Task<int> ReleaseExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var skus = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt <= now)
            .Select(r => r.Sku).Distinct().OrderBy(s => s).Take(10_000).ToListAsync(ct);
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
