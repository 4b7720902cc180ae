using Hangfire;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.BuildingBlocks.Events;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Areas.Admin.Pages;

/// <summary>
/// The merchant's first page: what the last days sold, what is waiting to be done (orders to pack,
/// returns to decide or refund, stock running out, events that could not be delivered, background jobs that failed) and the
/// products that are running out. Each part shows to the staff whose role covers it: sales, events
/// and jobs to owners, orders to order staff, stock to catalog staff.
/// </summary>
public sealed class IndexModel(IPricesAndStock stock, ICatalogAdmin catalog, IOrderAdmin orders, IReturns returns, IEventLogAdmin events,
    JobStorage jobs, TimeProvider clock, Identity.StaffAccess staff) : PageModel
{
    public const int LowStockShown = 10;

    /// <summary>The periods the sales are shown for, each ending now.</summary>
    public static readonly IReadOnlyList<(string Label, TimeSpan Length)> Periods =
        [("Last 24 hours", TimeSpan.FromDays(1)), ("Last 7 days", TimeSpan.FromDays(7)), ("Last 30 days", TimeSpan.FromDays(30))];

    public IReadOnlyList<(string Label, IReadOnlyList<SalesFigures> Figures)> Sales { get; private set; } = [];
    public long ToPack { get; private set; }
    public long UnfinishedCancellations { get; private set; }
    public int OpenReturns { get; private set; }
    public LowStockList LowStock { get; private set; } = default!;
    public long ParkedEvents { get; private set; }
    public long FailedJobs { get; private set; }

    public bool ShowsOwnerParts { get; private set; }
    public bool ShowsOrders { get; private set; }
    public bool ShowsStock { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var role = await staff.RoleAsync(User, ct);
        // Sales and events are the reports' and events' pages' news, orders the order pages', stock the stock page's.
        ShowsOwnerParts = Identity.StaffPages.Opens(role, "/Reports") && Identity.StaffPages.Opens(role, "/Events");
        ShowsOrders = Identity.StaffPages.Opens(role, "/Orders");
        ShowsStock = Identity.StaffPages.Opens(role, "/Stock");
        if (ShowsOwnerParts)
        {
            var now = clock.GetUtcNow();
            var sales = new List<(string, IReadOnlyList<SalesFigures>)>(Periods.Count);
            foreach (var (label, length) in Periods) sales.Add((label, await orders.SalesSinceAsync(now - length, ct)));
            Sales = sales;
            ParkedEvents = await events.ParkedCountAsync(ct);
            FailedJobs = jobs.GetMonitoringApi().FailedCount();
        }
        if (ShowsOrders)
        {
            ToPack = (await orders.ListAsync(new AdminOrderQuery(Status: "Paid", PageSize: 1), ct)).Total;
            UnfinishedCancellations = (await orders.ListAsync(new AdminOrderQuery(Unfinished: true, PageSize: 1), ct)).Total;
            OpenReturns = await returns.OpenCountAsync(ct);
        }
        if (ShowsStock) LowStock = await LowStockList.ReadAsync(stock, catalog, 1, LowStockShown, ct);
    }
}
