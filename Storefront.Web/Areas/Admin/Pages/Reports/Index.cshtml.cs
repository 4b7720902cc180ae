using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Areas.Admin.Pages.Reports;

/// <summary>
/// Sales over a period the merchant picks (whole UTC days, at most a year and a day): totals, a
/// chart and a table of every day, and the products that sold best.
/// </summary>
public sealed class IndexModel(SalesReports reports, TimeProvider clock) : PageModel
{
    public SalesReportView? Report { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public List<string> Problems { get; } = [];
    public DateOnly Today { get; private set; }

    /// <summary>The report's days as a CSV file; a refused period shows the page with its message instead.</summary>
    public async Task<IActionResult> OnGetCsvAsync([FromQuery(Name = "from")] string? from, [FromQuery(Name = "to")] string? to, CancellationToken ct)
    {
        await OnGetAsync(from, to, ct);
        if (Report is not { } report) return Page();
        Response.Headers.CacheControl = "no-store";
        return File(SalesReportCsv.Of(report), "text/csv; charset=utf-8", $"sales-{report.From:yyyy-MM-dd}-to-{report.To:yyyy-MM-dd}.csv");
    }

    public async Task OnGetAsync([FromQuery(Name = "from")] string? from, [FromQuery(Name = "to")] string? to, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var end = Date(to, "To") ?? Today;
        var start = Date(from, "From") ?? end.AddDays(-29);
        (From, To) = (from ?? start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to ?? end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Problems.Count > 0) return;
        if (end < start)
        {
            Problems.Add("The period ends before it starts: pick a \"To\" date on or after the \"From\" date.");
            return;
        }
        if (end.DayNumber - start.DayNumber + 1 > SalesReport.MaxDays)
        {
            Problems.Add($"A report covers at most {SalesReport.MaxDays} days: pick a shorter period.");
            return;
        }
        Report = await reports.ForAsync(start, end, ct);
    }

    private DateOnly? Date(string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Problems.Add($"{label}: enter a date as YYYY-MM-DD.");
        return null;
    }

    /// <summary>The periods a merchant asks for most, as (label, from, to).</summary>
    public IEnumerable<(string Label, DateOnly From, DateOnly To)> Presets()
    {
        var month = new DateOnly(Today.Year, Today.Month, 1);
        yield return ("Last 7 days", Today.AddDays(-6), Today);
        yield return ("Last 30 days", Today.AddDays(-29), Today);
        yield return ("This month", month, Today);
        yield return ("Last month", month.AddMonths(-1), month.AddDays(-1));
        yield return ("Last 12 months", Today.AddMonths(-12).AddDays(1), Today);
    }

    public string Link(DateOnly from, DateOnly to) =>
        $"{Url.Page("/Reports/Index")}?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
}
