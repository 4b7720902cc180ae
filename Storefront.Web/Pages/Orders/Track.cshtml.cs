using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Orders;

/// <summary>Guests find their order with its number and the e-mail address they gave.</summary>
public sealed class TrackModel(IOrders orders, OrderAccess access) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter the order number."), StringLength(20)]
    public string Number { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "Enter the e-mail address of the order."), StringLength(256)]
    public string Email { get; set; } = "";

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var order = await orders.TrackAsync(Number, Email, ct);
        if (order is null)
        {
            Problem = "We found no order with that number and e-mail address. Check both and try again.";
            return Page();
        }
        return RedirectToPage("/Orders/Order", new { number = order.Number, key = access.KeyFor(order) });
    }
}
