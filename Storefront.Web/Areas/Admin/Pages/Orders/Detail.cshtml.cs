using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Orders;

public sealed class DetailModel(IOrderAdmin admin, IOrders orders, IReturns returns, IValidator<DetailModel.RefundForm> refundRules, OutcomeText words) : PageModel
{
    /// <summary>The returns the customer asked for, oldest first.</summary>
    public IReadOnlyList<ReturnView> Returns { get; private set; } = [];

    public sealed class RefundForm
    {
        public string? Amount { get; set; }

        /// <summary>Identifies the refund this form asks for: submitting it twice refunds once.</summary>
        public Guid RequestId { get; set; }
    }

    public sealed class RefundRules : AbstractValidator<RefundForm>
    {
        public RefundRules() => RuleFor(f => f.Amount).Price();
    }

    [BindProperty] public RefundForm Refund { get; set; } = new();

    public OrderView Order { get; private set; } = default!;

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        if (await admin.GetAsync(number, ct) is not { } order) return NotFound();
        Order = order;
        Returns = await returns.ForOrderAsync(order.Number, ct);
        Refund = new RefundForm
        {
            Amount = order.Actions.Refundable.Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            RequestId = Guid.NewGuid(),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostMoveAsync(string number, string? status, string? carrier, string? trackingNumber, CancellationToken ct) =>
        Done(number, await admin.MoveAsync(number, status ?? "", carrier, trackingNumber, Actor, ct));

    public async Task<IActionResult> OnPostCancelAsync(string number, CancellationToken ct) =>
        Done(number, await admin.CancelAsync(number, Actor, ct));

    public async Task<IActionResult> OnPostRefundAsync(string number, CancellationToken ct)
    {
        if (!await refundRules.ValidateIntoAsync(Refund, ModelState, nameof(Refund), ct))
        {
            // Shown again with the amount as typed and the same request id, so a corrected
            // submission is still the one refund this form stands for.
            if (await admin.GetAsync(number, ct) is not { } order) return NotFound();
            Order = order;
            return Page();
        }
        return Done(number, await admin.RefundAsync(number, Refund.RequestId, FormNumbers.Amount(Refund.Amount)!.Value, Actor, ct));
    }

    public async Task<IActionResult> OnPostRevokeLinksAsync(string number, CancellationToken ct) =>
        Done(number, await orders.RevokeLinksAsync(number, ct)
            ? (true, "Every link to this order given out so far has stopped working.")
            : (false, words.Of(CheckoutProblems.NoSuchOrder)));

    private string Actor => User.Identity?.Name ?? "admin";

    private RedirectToPageResult Done(string number, OrderChangeResult result) => Done(number, (result.Succeeded, words.Of(result.Outcome)));

    private RedirectToPageResult Done(string number, (bool Succeeded, string Message) result)
    {
        TempData.Outcome(result.Succeeded, result.Message);
        // A blank number has no page of its own (no address can be made for it): back to the list, with the answer.
        return string.IsNullOrWhiteSpace(number) ? RedirectToPage("Index") : RedirectToPage(new { number });
    }
}
