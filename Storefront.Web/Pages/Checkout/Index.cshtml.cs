using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Checkout;

/// <summary>Step 1: who and where (e-mail, address) and how it travels (shipping method).</summary>
public sealed class IndexModel(ShopperCart shopper, ICheckout checkout, IOrders orders, IOptions<CheckoutOptions> options, OutcomeText words) : PageModel
{
    public const string DraftKey = "CheckoutDraft";

    [BindProperty] public CheckoutForm Form { get; set; } = new();
    public Quote Quote { get; private set; } = default!;
    public IReadOnlyList<ShippingChoice> Shipping { get; private set; } = [];
    public IReadOnlyList<string> Countries => options.Value.ShipsTo;
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (TempData.Peek(DraftKey) is string draft && JsonSerializer.Deserialize<CheckoutForm>(draft) is { } saved) Form = saved;
        else if (User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            // A returning shopper's details as they were on their last order: the account's own, never another's.
            Form.Email = User.FindFirstValue(ClaimTypes.Email) ?? "";
            if (await orders.LastAddressAsync(userId, ct) is { } last)
                (Form.Name, Form.Line1, Form.Line2, Form.City, Form.Region, Form.PostalCode, Form.Country) =
                    (last.Name, last.Line1, last.Line2, last.City, last.Region, last.PostalCode, last.Country);
        }
        if (await LoadAsync(ct) is { } away) return away;
        // A code kept from before that cannot be used now (it ended, or the cart changed) is said beside it.
        if (Quote.DiscountProblem is { } refused) Errors = new Dictionary<string, string> { ["DiscountCode"] = words.Of(refused) };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } away) return away;
        var errors = checkout.ValidateAddress(Form.ToAddress()).ToDictionary(e => e.Key, e => words.Of(e.Value));
        if (ModelState[$"{nameof(Form)}.{nameof(CheckoutForm.DeliveryNote)}"]?.Errors is [var tooLong, ..]) errors["DeliveryNote"] = tooLong.ErrorMessage;
        else if (!ModelState.IsValid) errors[""] = "Some answers are too long.";
        // The same rule the checkout applies when the order is placed: an address mail can reach.
        if (!Storefront.BuildingBlocks.Email.EmailAddress.IsDeliverable(Form.Email))
            errors["Email"] = "Enter a valid e-mail address for the order confirmation.";
        if (Shipping.All(s => s.Code != Form.ShippingMethod)) errors["ShippingMethod"] = "Choose a shipping method.";
        // The code is checked here (known, live, the goods enough) so the shopper hears it beside the field;
        // its last uses and "once per customer" are settled when the order is placed.
        if (Quote.DiscountProblem is { } refused) errors["DiscountCode"] = words.Of(refused);
        else Form.DiscountCode = Quote.DiscountCode;
        if (errors.Count > 0)
        {
            Errors = errors;
            return Page();
        }
        TempData[DraftKey] = JsonSerializer.Serialize(Form);
        return RedirectToPage("/Checkout/Review");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (await shopper.CurrentIdAsync(ct) is not { } cartId) return EmptyCart();
        Quote = await checkout.QuoteAsync(cartId, null, null, Form.DiscountCode, ct);
        if (Quote.CartIsEmpty) return EmptyCart();
        if (!Quote.CanOrder)
        {
            TempData.Problem(string.Join(" ", Quote.Problems.Select(words.Of)));
            return RedirectToPage("/Cart/Index");
        }
        Shipping = checkout.ShippingChoices(Quote.Subtotal, Quote.WeightKg);
        return null;
    }

    private RedirectToPageResult EmptyCart()
    {
        TempData.Problem("Your cart is empty. Add something before checking out.");
        return RedirectToPage("/Cart/Index");
    }
}
