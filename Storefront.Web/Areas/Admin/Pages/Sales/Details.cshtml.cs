using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Sales;

/// <summary>
/// One sale as its merchant runs it: the settings, the live numbers (rendered here and polled as
/// JSON from <see cref="OnGetStatsAsync"/> by wwwroot/js/sale-dashboard.js), the buttons that arm,
/// pause, resume, end and return unsold units, and the reconciliation.
/// </summary>
public sealed class DetailsModel(IFlashSaleAdmin sales, OutcomeText words) : PageModel
{
    /// <summary>The refusal reasons of <see cref="SaleDashboard.Refused"/>, in the order and words the page shows them.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> RefusalReasons =
    [
        ("over-limit", "Over the limit per customer"),
        ("forged-pass", "Forged pass"),
        ("expired-pass", "Expired pass"),
        ("borrowed-pass", "Pass of another account"),
        ("sold-out", "Sold out"),
        ("not-admitted", "Not admitted yet"),
    ];

    /// <summary>
    /// The live numbers, the same on the page and in the JSON the script polls. <see cref="Actions"/>
    /// names the buttons that fit the sale now: when it changes the script reloads the page for them.
    /// </summary>
    public sealed record LiveNumbers(
        string Phase,
        string PhaseText,
        long Waiting,
        long Admitted,
        long BuyingNow,
        int Sold,
        long Claimed,
        long Remaining,
        long GaveUp,
        long TimedOut,
        long Declined,
        IReadOnlyDictionary<string, long> Refused,
        long AdmittedLastMinute,
        int AdmissionPerMinute,
        int OrdersProcessing,
        bool CountersMissing,
        DateTimeOffset At,
        string Actions)
    {
        public static LiveNumbers Of(SaleDashboard d) => new(
            d.Phase.ToString(), PhaseWords(d.Phase), d.Waiting, d.Admitted, d.BuyingNow, d.OrdersCreated, d.Claimed, d.Remaining,
            d.GaveUp, d.TimedOut, d.Declined, d.Refused, d.AdmittedLastMinute, d.Sale.AdmissionPerMinute, d.OrdersProcessing,
            d.CountersMissing, d.At, string.Join(' ', SaleActions.Of(d).Names));
    }

    /// <summary>Which buttons the sale's state offers; the module decides under its lock whether each click does anything.</summary>
    public sealed record SaleActions(bool Arm, bool Pause, bool Resume, bool End, bool Return)
    {
        public static SaleActions Of(SaleDashboard d)
        {
            var (sale, over) = (d.Sale, d.Phase == SalePhase.Ended || d.Sale.Status == SaleStatus.Ended);
            var running = sale.Status == SaleStatus.Armed && !over;
            return new(sale.Status == SaleStatus.Draft, running && !sale.Paused, running && sale.Paused, running,
                sale.Status != SaleStatus.Draft && over && sale.QuotaHeld - sale.Sold - sale.Returned > 0);
        }

        public IEnumerable<string> Names =>
            new (string Name, bool Offered)[] { ("arm", Arm), ("pause", Pause), ("resume", Resume), ("end", End), ("return", Return) }
                .Where(a => a.Offered).Select(a => a.Name);
    }

    public static string PhaseWords(SalePhase phase) => phase switch
    {
        SalePhase.Upcoming => "Upcoming",
        SalePhase.Live => "Live",
        SalePhase.Paused => "Paused",
        SalePhase.Rebuilding => "Rebuilding its counters",
        SalePhase.SoldOut => "Sold out",
        SalePhase.Ended => "Ended",
        _ => phase.ToString(),
    };

    public SaleSummary Sale { get; private set; } = default!;
    public LiveNumbers Live { get; private set; } = default!;
    public SaleActions Can { get; private set; } = default!;

    /// <summary>Null for a draft: nothing is held yet, so there is nothing to reconcile.</summary>
    public Reconciliation? Check { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await sales.DashboardAsync(id, ct) is not { } dashboard) return NotFound();
        (Sale, Live, Can) = (dashboard.Sale, LiveNumbers.Of(dashboard), SaleActions.Of(dashboard));
        if (Sale.Status != SaleStatus.Draft) Check = await sales.ReconcileAsync(id, ct);
        return Page();
    }

    /// <summary>The live numbers as JSON, for the page's script (admin only, as the whole area).</summary>
    public async Task<IActionResult> OnGetStatsAsync(Guid id, CancellationToken ct) =>
        await sales.DashboardAsync(id, ct) is { } dashboard ? new JsonResult(LiveNumbers.Of(dashboard)) : NotFound();

    public async Task<IActionResult> OnPostArmAsync(Guid id, CancellationToken ct)
    {
        var result = await sales.ArmAsync(id, Actor, ct);
        return Done(id, result.Succeeded, result.Outcome switch
        {
            ArmOutcome.Armed => "Sale armed: its units are set aside from normal stock.",
            ArmOutcome.AlreadyArmed => "The sale was already armed.",
            _ => words.Of(result.Problem, "The sale was not armed."),
        });
    }

    public async Task<IActionResult> OnPostPauseAsync(Guid id, CancellationToken ct) =>
        await ChangedAsync(id, await sales.PauseAsync(id, Actor, ct), "Sale paused: nobody new is let in; shoppers keep their places and those let in may still buy.",
            "The sale was already paused.");

    public async Task<IActionResult> OnPostResumeAsync(Guid id, CancellationToken ct) =>
        await ChangedAsync(id, await sales.ResumeAsync(id, Actor, ct), "Sale resumed: shoppers are let in again.",
            "The sale was not paused.");

    public async Task<IActionResult> OnPostEndAsync(Guid id, CancellationToken ct) =>
        await ChangedAsync(id, await sales.EndAsync(id, Actor, ct), "Sale ended: nobody else is let in or sold to; orders already claimed are still made.",
            "The sale had already ended.", ending: true);

    public async Task<IActionResult> OnPostReturnAsync(Guid id, CancellationToken ct)
    {
        var result = await sales.ReturnUnsoldAsync(id, Actor, ct);
        return Done(id, result.Succeeded, words.Of(result.Problem, result.Succeeded ? "The unsold units are back in normal stock." : "Nothing went back to stock."));
    }

    /// <summary>
    /// Words a pause, resume or end. The module acts under the sale's lock and answers Done or
    /// Unchanged; a sale it finds over is recorded as ended whatever was asked, so the state read
    /// afterwards (for the words only) says whether a pause or resume still meant anything.
    /// </summary>
    private async Task<IActionResult> ChangedAsync(Guid id, SaleChangeResult result, string done, string unchanged, bool ending = false)
    {
        if (!result.Succeeded) return Done(id, false, words.Of(result.Problem, "The sale was not changed."));
        if (!ending && await sales.GetAsync(id, HttpContext.RequestAborted) is { Status: SaleStatus.Ended })
            return Done(id, false, words.Of(FlashSaleProblems.Ended));
        return Done(id, true, result.Outcome == SaleChangeOutcome.Done ? done : unchanged);
    }

    private string Actor => User.Identity?.Name ?? "admin";

    private RedirectToPageResult Done(Guid id, bool succeeded, string message)
    {
        TempData.Outcome(succeeded, message);
        return RedirectToPage(new { id });
    }
}
