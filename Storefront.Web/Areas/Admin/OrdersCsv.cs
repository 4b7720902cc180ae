using System.Globalization;
using System.Text;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Areas.Admin;

/// <summary>
/// Orders written out as CSV (RFC 4180) for the merchant's books, a row at a time. A cell that a
/// spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage return, as
/// a shopper's e-mail or a carrier name could) is written with a leading apostrophe.
/// </summary>
public static class OrdersCsv
{
    private static readonly string[] Header =
        ["number", "invoice", "placed_at_utc", "email", "status", "refund_state", "items", "subtotal", "discount_code", "discount", "shipping", "tax", "total", "refunded", "currency",
         "shipping_method", "carrier", "tracking_number"];

    public static async Task WriteAsync(Stream body, IAsyncEnumerable<AdminOrderExportRow> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await writer.WriteAsync(Line(Header));
        var inv = CultureInfo.InvariantCulture;
        var written = 0;
        await foreach (var o in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(Line([
                o.Number, o.InvoiceNumber ?? "", o.PlacedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", inv), o.Email, o.Status, o.RefundState,
                o.Items.ToString(inv), o.Subtotal.ToString("0.00", inv), o.DiscountCode ?? "", o.Discount.ToString("0.00", inv), o.Shipping.ToString("0.00", inv), o.Tax.ToString("0.00", inv),
                o.Total.ToString("0.00", inv), o.Refunded.ToString("0.00", inv), o.Currency.Trim(), o.ShippingMethod, o.Carrier ?? "", o.TrackingNumber ?? "",
            ]));
            if (++written % 1000 == 0) await writer.FlushAsync(ct);
        }
        await writer.FlushAsync(ct);
    }

    private static string Line(IEnumerable<string> cells) => Storefront.BuildingBlocks.CsvCells.Line(cells);
}

/// <summary>A report's days as CSV, one row per day and currency, oldest first, with the same cells as the page's table.</summary>
public static class SalesReportCsv
{
    public static byte[] Of(SalesReportView report)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder("day,currency,orders,sales,refunded,net,cancelled\r\n");
        foreach (var currency in report.Currencies)
            foreach (var d in currency.Days)
            {
                var f = d.Figures;
                text.Append(string.Join(',', new[]
                {
                    d.Day.ToString("yyyy-MM-dd", inv), f.Currency, f.Orders.ToString(inv), f.Gross.ToString("0.00", inv),
                    f.Refunded.ToString("0.00", inv), (f.Gross - f.Refunded).ToString("0.00", inv), f.Cancelled.ToString(inv),
                }.Select(Storefront.BuildingBlocks.CsvCells.Cell))).Append("\r\n");
            }
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
    }
}
