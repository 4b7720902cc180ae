using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Cart.Data;

namespace Storefront.Cart.Storage;

/// <summary>The durable copy of carts in the <c>cart</c> schema.</summary>
internal sealed class PostgresCartStore(CartDbContext db, TimeProvider clock)
{
    public async Task<CartSnapshot?> LoadAsync(Guid id, CancellationToken ct)
    {
        var cart = await db.Carts.AsNoTracking().Include(c => c.Lines).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (cart is null) return null;
        var lines = cart.Lines
            .OrderBy(l => l.Sku, StringComparer.Ordinal)
            .Select(l => new CartLine(l.Sku, l.Quantity, l.PriceAmount is { } a && l.PriceCurrency is { } c ? new Money(a, c) : null))
            .ToList();
        return new CartSnapshot(cart.Id, cart.UserId, lines, cart.Version);
    }

    /// <summary>
    /// The durable copy unless it has expired: an anonymous cart untouched for longer than
    /// <paramref name="lifetime"/> is as good as gone (the purge job deletes it); an account's cart never expires.
    /// </summary>
    public async Task<CartSnapshot?> LoadUnexpiredAsync(Guid id, TimeSpan lifetime, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - lifetime;
        if (!await db.Carts.AnyAsync(c => c.Id == id && (c.UserId != null || c.UpdatedAt >= cutoff), ct)) return null;
        return await LoadAsync(id, ct);
    }

    /// <summary>
    /// Writes a cart unless a newer version is already stored (two writers may race; the newer
    /// one wins). Returns whether anything was written.
    /// </summary>
    public async Task<bool> SaveAsync(CartSnapshot cart, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = await OpenAsync(ct);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO cart.carts (id, user_id, version, created_at, updated_at) VALUES (@id, @user, @version, @now, @now)
                ON CONFLICT (id) DO UPDATE SET user_id = coalesce(excluded.user_id, carts.user_id), version = excluded.version, updated_at = excluded.updated_at
                WHERE carts.version < excluded.version
                RETURNING 1
                """, connection, tx);
            upsert.Parameters.AddWithValue("id", cart.Id);
            upsert.Parameters.AddWithValue("user", (object?)cart.UserId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("version", cart.Version);
            upsert.Parameters.AddWithValue("now", now);
            if (await upsert.ExecuteScalarAsync(ct) is null) return false;

            await using var batch = new NpgsqlBatch(connection, tx);
            var delete = new NpgsqlBatchCommand("DELETE FROM cart.cart_lines WHERE cart_id = @id");
            delete.Parameters.AddWithValue("id", cart.Id);
            batch.BatchCommands.Add(delete);
            if (cart.Lines.Count > 0)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO cart.cart_lines (cart_id, sku, quantity, price_amount, price_currency)
                    SELECT @id, * FROM unnest(@skus, @quantities, @amounts, @currencies)
                    """);
                insert.Parameters.AddWithValue("id", cart.Id);
                insert.Parameters.AddWithValue("skus", cart.Lines.Select(l => l.Sku).ToArray());
                insert.Parameters.AddWithValue("quantities", cart.Lines.Select(l => l.Quantity).ToArray());
                insert.Parameters.AddWithValue("amounts", cart.Lines.Select(l => l.PriceWhenAdded?.Amount).ToArray());
                insert.Parameters.AddWithValue("currencies", cart.Lines.Select(l => l.PriceWhenAdded?.Currency).ToArray());
                batch.BatchCommands.Add(insert);
            }
            await batch.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The cart that belongs to a user, made (empty) when there is none yet.</summary>
    /// <summary>The user's cart id, or null when they have none (nothing is created).</summary>
    public async Task<Guid?> FindCartOfUserAsync(string userId, CancellationToken ct) =>
        await db.Carts.AsNoTracking().Where(c => c.UserId == userId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);

    public async Task<Guid> CartOfUserAsync(string userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = await OpenAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("""
                WITH made AS (
                    INSERT INTO cart.carts (id, user_id, version, created_at, updated_at) VALUES (@id, @user, 0, @now, @now)
                    ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO NOTHING RETURNING id)
                SELECT id FROM made UNION ALL SELECT id FROM cart.carts WHERE user_id = @user
                LIMIT 1
                """, connection);
            command.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
            command.Parameters.AddWithValue("user", userId);
            command.Parameters.AddWithValue("now", now);
            // A parallel first sign-in may have inserted the row after this statement's snapshot
            // was taken; the second attempt then sees it.
            for (var attempt = 0; ; attempt++)
            {
                if (await command.ExecuteScalarAsync(ct) is Guid id) return id;
                if (attempt == 2) throw new InvalidOperationException($"No cart could be found or made for user {userId}.");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task DeleteAsync(Guid id, CancellationToken ct) =>
        db.Carts.Where(c => c.Id == id).ExecuteDeleteAsync(ct);

    /// <summary>Deletes anonymous carts nobody has touched for longer than the cart lifetime.</summary>
    public Task<int> PurgeAbandonedAsync(TimeSpan lifetime, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - lifetime;
        return db.Carts.Where(c => c.UserId == null && c.UpdatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }
}
