using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class IndexModel(IOrderAdmin orders) : PageModel
{
    public static readonly string[] Statuses = ["Paid", "Packed", "Shipped", "Delivered", "Cancelled", "Refunded", "Partially refunded"];

    public AdminOrderPage Orders { get; private set; } = default!;
    public string? Status { get; private set; }
    public string? From { get; private set; }
    public string? To { get; private set; }
    public string? Customer { get; private set; }
    public string? MinTotal { get; private set; }
    public string? MaxTotal { get; private set; }
    public List<string> Problems { get; } = [];

    public async Task OnGetAsync(string? status, string? from, string? to, string? customer, string? min, string? max,
        [FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        (Status, From, To, Customer, MinTotal, MaxTotal) = (Statuses.Contains(status) ? status : null, from, to, customer?.Trim(), min, max);
        // "Refunded" and "Partially refunded" are the money side of an order, not where it is in fulfilment.
        var refundState = Status switch { "Refunded" => "Full", "Partially refunded" => "Partial", _ => null };
        var query = new AdminOrderQuery(refundState is null ? Status : null, Date(from, "From"), Date(to, "To"), string.IsNullOrWhiteSpace(Customer) ? null : Customer[..Math.Min(100, Customer.Length)],
            Amount(min, "Minimum total"), Amount(max, "Maximum total"), page ?? 1, RefundState: refundState);
        Orders = await orders.ListAsync(query, ct);
    }

    private DateOnly? Date(string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Problems.Add($"{label}: enter a date as YYYY-MM-DD.");
        return null;
    }

    private decimal? Amount(string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) && a >= 0) return a;
        Problems.Add($"{label}: enter an amount such as 25 or 99.90.");
        return null;
    }

    public string PageUrl(int page) =>
        $"/admin/orders?status={Uri.EscapeDataString(Status ?? "")}&from={From}&to={To}&customer={Uri.EscapeDataString(Customer ?? "")}&min={MinTotal}&max={MaxTotal}&page={page}";
}
