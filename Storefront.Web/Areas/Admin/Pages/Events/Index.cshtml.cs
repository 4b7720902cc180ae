using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.BuildingBlocks.Events;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Events;

/// <summary>Event delivery: each consumer's position, lag and failure, the parked events, replay and skip.</summary>
public sealed class IndexModel(IEventLogAdmin events) : PageModel
{
    public const int ParkedShown = 200;

    public EventLogOverview Overview { get; private set; } = default!;
    public IReadOnlyList<ParkedEventView> Parked { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Overview = await events.OverviewAsync(ct);
        Parked = await events.ParkedAsync(null, ParkedShown, ct);
    }

    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken ct)
    {
        var outcome = await events.ReplayAsync(id, User.Identity?.Name ?? "admin", ct);
        TempData.Outcome(outcome == ParkedActionOutcome.Done, outcome switch
        {
            ParkedActionOutcome.Done => $"Event #{id} will be delivered again (with the events of its subject waiting behind it). Refresh to see the result.",
            ParkedActionOutcome.AlreadyRequested => $"A replay of event #{id} was already asked for.",
            _ => $"Parked event #{id} no longer exists: it was replayed or skipped already.",
        });
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSkipAsync(long id, CancellationToken ct)
    {
        var outcome = await events.SkipAsync(id, User.Identity?.Name ?? "admin", ct);
        TempData.Outcome(outcome == ParkedActionOutcome.Done, outcome == ParkedActionOutcome.Done
            ? $"Parked event #{id} was skipped: its consumer will never get it."
            : $"Parked event #{id} no longer exists: it was replayed or skipped already.");
        return RedirectToPage();
    }
}
