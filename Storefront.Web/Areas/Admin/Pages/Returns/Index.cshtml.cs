using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Returns;

/// <summary>The returns shoppers asked for: approve, decline with a note, or refund (and restock) what came back.</summary>
public sealed class IndexModel(IReturns returns, OutcomeText words) : PageModel
{
    public static readonly IReadOnlyList<(string? Status, string Label)> Views =
        [(null, "Waiting"), (ReturnStatus.Refunded, "Refunded"), (ReturnStatus.Declined, "Declined")];

    public IReadOnlyList<ReturnView> Returns { get; private set; } = [];
    public string? Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? status, CancellationToken ct)
    {
        Status = Views.Any(v => v.Status == status) ? status : null;
        Returns = await returns.ListAsync(Status, 200, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct) =>
        Done(await returns.ApproveAsync(id, Actor, ct));

    public async Task<IActionResult> OnPostDeclineAsync(Guid id, string? note, CancellationToken ct) =>
        Done(await returns.DeclineAsync(id, note ?? "", Actor, ct));

    public async Task<IActionResult> OnPostRefundAsync(Guid id, bool restock, CancellationToken ct) =>
        Done(await returns.RefundAsync(id, restock, Actor, ct));

    private string Actor => User.Identity?.Name ?? "merchant";

    private RedirectToPageResult Done(OrderChangeResult result)
    {
        if (result.Succeeded) TempData.Notice(words.Of(result.Outcome));
        else TempData.Problem(words.Of(result.Outcome));
        return RedirectToPage();
    }
}
