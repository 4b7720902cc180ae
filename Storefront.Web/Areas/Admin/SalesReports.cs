using Microsoft.Extensions.Caching.Memory;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Areas.Admin;

/// <summary>One currency's sales over a period: the totals, every day (those without orders too) and the best days' top.</summary>
public sealed record CurrencySales(SalesFigures Totals, IReadOnlyList<DailySales> Days)
{
    public string Currency => Totals.Currency;

    /// <summary>The highest net of a day, the top of the chart's scale.</summary>
    public decimal BestNet => Days.Count == 0 ? 0 : Days.Max(d => d.Figures.Net.Amount);
}

/// <summary>A product of the top list, with the catalog's product when it still exists under that SKU.</summary>
public sealed record TopProduct(ProductSales Sales, AdminProductRow? Product);

/// <summary>The merchant's report of a period: sales by currency and day, and the products that sold best.</summary>
public sealed record SalesReportView(DateOnly From, DateOnly To, IReadOnlyList<CurrencySales> Currencies, IReadOnlyList<TopProduct> Top, DateTimeOffset CountedAt)
{
    public int DayCount => To.DayNumber - From.DayNumber + 1;
}

/// <summary>
/// Builds the reports of <c>/admin/reports</c>. A year of a busy store is a few seconds of database
/// work (docs/benchmarks.md), so each period's report is kept for a minute and made by one request
/// at a time per instance: merchants refreshing or opening it together cost one count.
/// </summary>
public sealed class SalesReports(IOrderAdmin orders, ICatalogAdmin catalog, IMemoryCache cache, TimeProvider clock)
{
    public const int TopCount = 20;
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(1);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public async Task<SalesReportView> ForAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var key = $"admin:sales-report:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}";
        if (cache.TryGetValue(key, out SalesReportView? kept) && kept is not null) return kept;
        await OneAtATime.WaitAsync(ct);
        try
        {
            if (cache.TryGetValue(key, out kept) && kept is not null) return kept;
            var report = await BuildAsync(from, to, ct);
            cache.Set(key, report, KeptFor);
            return report;
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private async Task<SalesReportView> BuildAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var countedAt = clock.GetUtcNow();
        // Two queries of their own connections: side by side, a year takes the longer of the two.
        var daysTask = orders.SalesByDayAsync(from, to, ct);
        var topTask = orders.TopProductsAsync(from, to, TopCount, ct);
        await Task.WhenAll(daysTask, topTask);
        var (days, top) = (daysTask.Result, topTask.Result);
        var products = await catalog.ProductsBySkuAsync(top.Select(t => t.Sku).Distinct(StringComparer.Ordinal).ToList(), ct);

        var currencies = days.GroupBy(d => d.Figures.Currency, StringComparer.Ordinal).Select(g =>
        {
            var byDay = g.ToDictionary(d => d.Day);
            var everyDay = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(i => from.AddDays(i))
                .Select(day => byDay.GetValueOrDefault(day) ?? new DailySales(day, new SalesFigures(g.Key, 0, 0, 0, 0))).ToList();
            var totals = new SalesFigures(g.Key, g.Sum(d => d.Figures.Orders), g.Sum(d => d.Figures.Gross), g.Sum(d => d.Figures.Refunded), g.Sum(d => d.Figures.Cancelled));
            return new CurrencySales(totals, everyDay);
        }).OrderByDescending(c => c.Totals.Orders).ThenBy(c => c.Currency, StringComparer.Ordinal).ToList();

        return new SalesReportView(from, to, currencies, top.Select(t => new TopProduct(t, products.GetValueOrDefault(t.Sku))).ToList(), countedAt);
    }
}
