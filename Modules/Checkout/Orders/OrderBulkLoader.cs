using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Orders;

/// <summary>
/// Writes a generated history straight into the order tables with binary COPY, a batch of orders at
/// a time (the orders, their lines, one "Delivered" entry each), all in one transaction: a million
/// orders in minutes, never all in memory. The orders carry no payment, so nothing can be refunded
/// against them.
/// </summary>
internal sealed class OrderBulkLoader(CheckoutDbContext db) : IOrderBulkLoader
{
    private const int Batch = 20_000;
    private const string Address = """{"Name":"Demo Customer","Line1":"1 Demo Street","Line2":null,"City":"Albany","Region":"NY","PostalCode":"12207","Country":"US"}""";

    public async Task<bool> IsEmptyAsync(CancellationToken ct) => !await db.Orders.AnyAsync(ct);

    public async Task<long> LoadAsync(IEnumerable<OrderSeed> orders, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await connection.BeginTransactionAsync(ct);
        long count = 0;
        foreach (var batch in orders.Chunk(Batch))
        {
            var ids = batch.Select(o => Guid.CreateVersion7(o.PlacedAt)).ToArray();
            await using (var copy = await connection.BeginBinaryImportAsync("""
                COPY checkout.orders (id, number, checkout_id, email, status, refund_state, shipping_address, shipping_method,
                    subtotal, shipping_cost, tax, total, refunded, currency, link_version, restock_pending, placed_at, updated_at)
                FROM STDIN (FORMAT BINARY)
                """, ct))
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    var order = batch[i];
                    var subtotal = order.Lines.Sum(l => l.UnitPrice * l.Quantity);
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(ids[i], NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(order.Number, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(order.Email, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(OrderStatus.Delivered, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(RefundState.None, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(Address, NpgsqlDbType.Jsonb, ct);
                    await copy.WriteAsync("standard", NpgsqlDbType.Varchar, ct);
                    foreach (var amount in new[] { subtotal, 0m, 0m, subtotal, 0m }) await copy.WriteAsync(amount, NpgsqlDbType.Numeric, ct);
                    await copy.WriteAsync(order.Currency, NpgsqlDbType.Char, ct);
                    await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                    await copy.WriteAsync(order.PlacedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(Delivered(order), NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY checkout.order_lines (order_id, sku, title, unit_price, quantity) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (var i = 0; i < batch.Length; i++)
                    foreach (var line in batch[i].Lines)
                        await copy.WriteRowAsync(ct, ids[i], line.Sku, line.Title, line.UnitPrice, line.Quantity);
                await copy.CompleteAsync(ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY checkout.order_status_changes (order_id, status, at, actor) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (var i = 0; i < batch.Length; i++)
                    await copy.WriteRowAsync(ct, ids[i], OrderStatus.Delivered, Delivered(batch[i]), "demo");
                await copy.CompleteAsync(ct);
            }
            count += batch.Length;
        }
        await tx.CommitAsync(ct);
        await using (var analyze = new NpgsqlCommand("ANALYZE checkout.orders; ANALYZE checkout.order_lines;", connection) { CommandTimeout = 0 })
            await analyze.ExecuteNonQueryAsync(ct);
        return count;
    }

    private static DateTimeOffset Delivered(OrderSeed order) => order.PlacedAt.AddDays(3).ToUniversalTime();
}
