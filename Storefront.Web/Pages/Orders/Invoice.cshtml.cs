using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Orders;

/// <summary>
/// An order's invoice, to print or save as PDF: for whoever may see the order (its account, its
/// key's holder, staff who run the orders). Its number comes from the year's unbroken sequence.
/// </summary>
public sealed class InvoiceModel(IOrders orders, IInvoices invoices, OrderAccess access, StaffAccess staff) : PageModel
{
    public OrderView Order { get; private set; } = default!;
    public InvoiceView Invoice { get; private set; } = default!;
    public string? Key { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        // As on the order's page: one nobody may see here looks like one that does not exist.
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return NotFound();
        (Order, Key) = (order, key);
        Invoice = await invoices.IssueAsync(order.Id, order.PlacedAt, ct);
        return Page();
    }
}
