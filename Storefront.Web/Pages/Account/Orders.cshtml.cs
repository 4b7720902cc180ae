using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Pages.Account;

[Authorize]
public sealed class OrdersModel(IOrders orders) : PageModel
{
    public IReadOnlyList<OrderSummary> Orders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Orders = await orders.ForUserAsync(User.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
}
