using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Orders;

/// <summary>
/// Asking to return products of a shipped order: for whoever may see the order (its account, its
/// key's holder, staff who run the orders, on the customer's behalf). The quantities still
/// returnable and the window are the Checkout module's to check, again as it writes.
/// </summary>
public sealed class ReturnModel(IOrders orders, IReturns returns, OrderAccess access, StaffAccess staff, OutcomeText words) : PageModel
{
    public OrderView Order { get; private set; } = default!;
    public ReturnableOrder Returnable { get; private set; } = default!;
    public string? Key { get; private set; }

    /// <summary>The quantities as typed (by SKU) and the reason, shown again beside a refusal.</summary>
    public IReadOnlyDictionary<string, string> Quantities { get; private set; } = new Dictionary<string, string>();
    public string Reason { get; private set; } = "";
    public string? Problem { get; private set; }
    public string? ProblemField { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, string? key, CancellationToken ct) =>
        await LoadAsync(number, key, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string number, string? key, [FromForm] Dictionary<string, string>? quantities, [FromForm] string? reason,
        CancellationToken ct)
    {
        if (!await LoadAsync(number, key, ct)) return NotFound();
        Quantities = (quantities ?? []).Where(q => q.Key.Length <= 64).Take(100).ToDictionary(q => q.Key, q => q.Value ?? "", StringComparer.Ordinal);
        Reason = reason ?? "";
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (sku, typed) in Quantities)
        {
            if (typed.Trim().Length == 0) continue;
            if (!int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000)
                return Refused(CheckoutProblems.ReturnTooMany, $"quantities[{sku}]", sku);
            wanted[sku] = n;
        }
        var actor = User.Identity?.IsAuthenticated == true && await staff.MayRunOrdersAsync(User, ct) ? User.Identity.Name ?? "staff" : "customer";
        var result = await returns.RequestAsync(Order.Number, wanted, Reason, actor, ct);
        if (!result.Succeeded)
        {
            (Problem, ProblemField) = (words.Of(result.Outcome), result.Field);
            Returnable = (await returns.ReturnableAsync(Order.Number, ct))!;
            return Page();
        }
        TempData.Notice(words.Of(result.Outcome));
        return RedirectToPage("/Orders/Order", new { number = Order.Number, key });
    }

    private PageResult Refused(string code, string field, string sku)
    {
        var line = Returnable.Lines.FirstOrDefault(l => l.Sku == sku);
        Problem = words.Of(code, ("title", line?.Title ?? sku), ("left", line?.Returnable ?? 0));
        ProblemField = field;
        return Page();
    }

    private async Task<bool> LoadAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        // As on the order's page: one nobody may see here looks like one that does not exist.
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return false;
        if (await returns.ReturnableAsync(order.Number, ct) is not { } returnable) return false;
        (Order, Key, Returnable) = (order, key, returnable);
        return true;
    }
}
