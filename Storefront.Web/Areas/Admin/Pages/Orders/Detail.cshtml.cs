using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class DetailModel(IOrderAdmin admin, IOrders orders) : PageModel
{
    public OrderView Order { get; private set; } = default!;

    /// <summary>Identifies the refund this page's form asks for: submitting it twice refunds once.</summary>
    public Guid RefundRequestId { get; } = Guid.NewGuid();

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        if (await admin.GetAsync(number, ct) is not { } order) return NotFound();
        Order = order;
        return Page();
    }

    public async Task<IActionResult> OnPostMoveAsync(string number, string? status, string? carrier, string? trackingNumber, CancellationToken ct) =>
        Done(number, await admin.MoveAsync(number, status ?? "", carrier, trackingNumber, Actor, ct));

    public async Task<IActionResult> OnPostCancelAsync(string number, CancellationToken ct) =>
        Done(number, await admin.CancelAsync(number, Actor, ct));

    public async Task<IActionResult> OnPostRefundAsync(string number, string? amount, Guid requestId, CancellationToken ct) =>
        Done(number, decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? await admin.RefundAsync(number, requestId, value, Actor, ct)
            : new OrderChangeResult(false, "Enter an amount of money, such as 12.50.", "Amount"));

    public async Task<IActionResult> OnPostRevokeLinksAsync(string number, CancellationToken ct) =>
        Done(number, await orders.RevokeLinksAsync(number, ct)
            ? new OrderChangeResult(true, "Every link to this order given out so far has stopped working.")
            : new OrderChangeResult(false, "There is no such order."));

    private string Actor => User.Identity?.Name ?? "admin";

    private RedirectToPageResult Done(string number, OrderChangeResult result)
    {
        TempData.Outcome(result.Succeeded, result.Message);
        return RedirectToPage(new { number });
    }
}
