using Npgsql;

namespace Storefront.Tests.Checkout;

/// <summary>What the store's tables say about a checkout's money and a product's stock, read directly.</summary>
public static class CheckoutLedger
{
    /// <summary>Money taken and given back for a checkout, as the test gateway recorded it.</summary>
    public static async Task<(decimal Charged, decimal Refunded)> MoneyAsync(string connectionString, Guid checkoutId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(amount) FILTER (WHERE kind = 'charge' AND status = 'succeeded'), 0),
                   coalesce(sum(amount) FILTER (WHERE kind = 'refund' AND status = 'succeeded' AND refund_of IN (
                       SELECT payment_id FROM checkout.test_gateway_payments WHERE idempotency_key = @key)), 0)
            FROM checkout.test_gateway_payments WHERE idempotency_key IN (@key, 'refund-' || @key)
            """, connection);
        command.Parameters.AddWithValue("key", checkoutId.ToString("N"));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDecimal(0), reader.GetDecimal(1));
    }

    public static async Task<(int OnHand, int Reserved)> StockAsync(string connectionString, string sku)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT on_hand, reserved FROM inventory.stock_items WHERE sku = @sku", connection);
        command.Parameters.AddWithValue("sku", sku);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
