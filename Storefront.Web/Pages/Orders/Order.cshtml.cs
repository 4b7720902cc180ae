using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Orders;

/// <summary>An order with its status timeline, for its owner, a merchant, or whoever has its key.</summary>
public sealed class OrderModel(IOrders orders, OrderAccess access, Microsoft.Extensions.Options.IOptions<OrderLinkOptions> links) : PageModel
{
    public OrderView Order { get; private set; } = default!;
    public string? Key { get; private set; }
    public int LinkDays => (int)Math.Round(links.Value.LinkLifetime.TotalDays);

    public async Task<IActionResult> OnGetAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        // An order someone may not see looks exactly like one that does not exist.
        if (order is null || !access.MayView(User, order, key)) return NotFound();
        (Order, Key) = (order, key);
        return Page();
    }

    /// <summary>
    /// Whoever may see the order can make every link to it stop working (one forwarded by mistake);
    /// a guest then tracks it again with its number and e-mail address for a new link.
    /// </summary>
    public async Task<IActionResult> OnPostRevokeLinksAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        if (order is null || !access.MayView(User, order, key)) return NotFound();
        await orders.RevokeLinksAsync(order.Number, ct);
        TempData[Cart.IndexModel.NoticeKey] = "Every link to this order has stopped working. To see it again, track it with its number and your e-mail address.";
        return User.Identity?.IsAuthenticated == true && order.UserId is not null
            ? RedirectToPage(new { number = order.Number })
            : RedirectToPage("/Orders/Track");
    }
}
