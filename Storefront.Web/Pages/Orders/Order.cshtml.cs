using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Orders;

/// <summary>An order with its status timeline, for its owner, a merchant, or whoever has its key.</summary>
public sealed class OrderModel(IOrders orders, OrderAccess access) : PageModel
{
    public OrderView Order { get; private set; } = default!;
    public string? Key { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        // An order someone may not see looks exactly like one that does not exist.
        if (order is null || !access.MayView(User, order, key)) return NotFound();
        (Order, Key) = (order, key);
        return Page();
    }
}
