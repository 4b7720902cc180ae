using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Orders;

/// <summary>An order with its status timeline, for its owner, staff who run the orders, or whoever has its key.</summary>
public sealed class OrderModel(IOrders orders, IReturns returns, OrderAccess access, StaffAccess staff, UserManager<StoreUser> users,
    Microsoft.Extensions.Options.IOptions<OrderLinkOptions> links, BasketSuggestions suggestions, Words.OutcomeText words) : PageModel
{
    /// <summary>The order's returns, oldest first.</summary>
    public IReadOnlyList<ReturnView> Returns { get; private set; } = [];

    /// <summary>What of the order can be returned now (null before it ships).</summary>
    public ReturnableOrder? Returnable { get; private set; }

    /// <summary>A short list for the shopper's next visit: what goes with this order's products.</summary>
    public IReadOnlyList<Storefront.Catalog.Contracts.ProductSummary> NextVisit { get; private set; } = [];

    public OrderView Order { get; private set; } = default!;
    public string? Key { get; private set; }
    public int LinkDays => (int)Math.Round(links.Value.LinkLifetime.TotalDays);

    /// <summary>A guest order the signed-in shopper may add to their account: its address is their confirmed one.</summary>
    public bool CanClaim { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        // An order someone may not see looks exactly like one that does not exist.
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return NotFound();
        (Order, Key) = (order, key);
        CanClaim = order.UserId is null && await ConfirmedEmailAsync() is { } email && string.Equals(email, order.Email, StringComparison.OrdinalIgnoreCase);
        NextVisit = await suggestions.ForAsync(order.Lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal), 4, ct);
        if (order.Status is "Shipped" or "Delivered")
        {
            Returns = await returns.ForOrderAsync(order.Number, ct);
            Returnable = await returns.ReturnableAsync(order.Number, ct);
        }
        return Page();
    }

    /// <summary>
    /// Whoever may see the order can make every link to it stop working (one forwarded by mistake);
    /// a guest then tracks it again with its number and e-mail address for a new link.
    /// </summary>
    public async Task<IActionResult> OnPostRevokeLinksAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return NotFound();
        await orders.RevokeLinksAsync(order.Number, ct);
        TempData.Notice("Every link to this order has stopped working. To see it again, track it with its number and your e-mail address.");
        return User.Identity?.IsAuthenticated == true && order.UserId is not null
            ? RedirectToPage(new { number = order.Number })
            : RedirectToPage("/Orders/Track");
    }

    /// <summary>
    /// Whoever may see the order can cancel it until it is packed: refunded in full, its stock back.
    /// The button only shows while it is Paid; a request that comes later (another tab, the merchant
    /// packing at the same moment) is told why not, and nothing changes.
    /// </summary>
    public async Task<IActionResult> OnPostCancelAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return NotFound();
        var result = await orders.CancelByShopperAsync(order.Number, "customer", ct);
        if (!result.Succeeded) TempData.Problem(words.Of(result.Outcome));
        else if (result.Outcome.Args.TryGetValue("amount", out var amount) && amount is not null)
            TempData.Notice($"Your order {order.Number} is cancelled. {amount} goes back to your card; your bank may take a few days to show it.");
        else TempData.Notice($"Your order {order.Number} is cancelled.");
        return RedirectToPage(new { number = order.Number, key });
    }

    public async Task<IActionResult> OnPostClaimAsync(string number, string? key, CancellationToken ct)
    {
        var order = await orders.GetAsync(number, ct);
        if (order is null || !await access.MayViewAsync(User, order, key, staff)) return NotFound();
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        // The order's address must be the account's confirmed one; the Checkout module checks it again as it writes.
        if (user.EmailConfirmed && user.Email is not null && await orders.ClaimAsync(order.Number, user.Id, user.Email, ct))
            TempData.Notice("The order is now in your account.");
        else
            TempData.Problem("Only the account with the e-mail address the order was placed with can add it.");
        return RedirectToPage(new { number = order.Number, key });
    }

    private async Task<string?> ConfirmedEmailAsync() =>
        User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { EmailConfirmed: true } user ? user.Email : null;
}
