using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Forms;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class IndexModel(IOrderAdmin orders, IValidator<PriceRange> totalRules) : PageModel
{
    /// <summary>Cancelled orders whose refund or restock did not finish: the dashboard links to them.</summary>
    public const string Unfinished = "Cancellation unfinished";

    public static readonly string[] Statuses = ["Paid", "Packed", "Shipped", "Delivered", "Cancelled", Unfinished, "Refunded", "Partially refunded"];

    public AdminOrderPage Orders { get; private set; } = default!;
    public string? Status { get; private set; }
    public string? From { get; private set; }
    public string? To { get; private set; }
    public string? Customer { get; private set; }
    public string? MinTotal { get; private set; }
    public string? MaxTotal { get; private set; }
    public string? Code { get; private set; }
    public List<string> Problems { get; } = [];

    public async Task OnGetAsync(string? status, string? from, string? to, string? customer, string? min, string? max, string? code,
        [FromQuery(Name = "page")] int? page, CancellationToken ct) =>
        Orders = await orders.ListAsync(await QueryAsync(status, from, to, customer, min, max, code, page ?? 1, ct), ct);

    /// <summary>The orders the filters match, all of them, as a CSV file for the books (the page shows what was refused instead).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? status, string? from, string? to, string? customer, string? min, string? max, string? code, CancellationToken ct)
    {
        var query = await QueryAsync(status, from, to, customer, min, max, code, 1, ct);
        if (Problems.Count > 0)
        {
            Orders = await orders.ListAsync(query, ct);
            return Page();
        }
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"orders-{DateTime.UtcNow:yyyy-MM-dd}.csv\"";
        Response.Headers.CacheControl = "no-store";
        await OrdersCsv.WriteAsync(Response.Body, orders.ExportAsync(query), ct);
        return new EmptyResult();
    }

    private async Task<AdminOrderQuery> QueryAsync(string? status, string? from, string? to, string? customer, string? min, string? max, string? code,
        int page, CancellationToken ct)
    {
        (Status, From, To, Customer, MinTotal, MaxTotal) = (Statuses.Contains(status) ? status : null, from, to, customer?.Trim(), min, max);
        Code = DiscountCodeText.Normalize(code) is { Length: > 0 } normalized ? normalized[..Math.Min(DiscountCodeText.MaxLength, normalized.Length)] : null;
        // "Refunded" and "Partially refunded" are the money side of an order, not where it is in fulfilment.
        var refundState = Status switch { "Refunded" => "Full", "Partially refunded" => "Partial", _ => null };
        // Totals are amounts of money: the same rule as prices. A refused range is left out and said why.
        var totals = new PriceRange { Min = min, Max = max };
        if (!await totalRules.ValidateIntoAsync(totals, ModelState, "", ct))
        {
            foreach (var (field, label) in new[] { ("min", "Total from"), ("max", "Total to") })
                Problems.AddRange(ModelState[field]?.Errors.Select(e => $"{label}: {e.ErrorMessage}") ?? []);
            totals = new PriceRange();
        }
        return new AdminOrderQuery(refundState is null && Status != Unfinished ? Status : null, Date(from, "From"), Date(to, "To"), string.IsNullOrWhiteSpace(Customer) ? null : Customer[..Math.Min(100, Customer.Length)],
            totals.Lowest, totals.Highest, page, RefundState: refundState, Unfinished: Status == Unfinished, DiscountCode: Code);
    }

    private DateOnly? Date(string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Problems.Add($"{label}: enter a date as YYYY-MM-DD.");
        return null;
    }

    public string PageUrl(int page) =>
        // "page" names the Razor page among route values, so the query is written out rather than routed.
        $"{Url.Page("/Orders/Index")}{Filters()}&page={page}";

    /// <summary>The same orders as a CSV file.</summary>
    public string CsvUrl => $"{Url.Page("/Orders/Index")}{Filters()}&handler=Csv";

    private string Filters() =>
        $"?status={Uri.EscapeDataString(Status ?? "")}&from={Uri.EscapeDataString(From ?? "")}&to={Uri.EscapeDataString(To ?? "")}" +
        $"&customer={Uri.EscapeDataString(Customer ?? "")}&min={Uri.EscapeDataString(MinTotal ?? "")}&max={Uri.EscapeDataString(MaxTotal ?? "")}" +
        $"&code={Uri.EscapeDataString(Code ?? "")}";
}
