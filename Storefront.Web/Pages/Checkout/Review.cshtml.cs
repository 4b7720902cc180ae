using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Checkout;

/// <summary>
/// Step 2: everything computed on the server (lines, shipping, tax, total) and the card. The page
/// carries a new checkout id; placing the order twice with it gives one order and one charge.
/// </summary>
public sealed class ReviewModel(ShopperCart shopper, ICheckout checkout, OrderAccess access,
    Microsoft.Extensions.Options.IOptions<CheckoutOptions> options, OutcomeText words) : PageModel
{
    /// <summary>With Stripe, card details go from the browser to Stripe.js and only a PaymentMethod id comes here.</summary>
    public bool UsesStripe => string.Equals(options.Value.Gateway, "stripe", StringComparison.OrdinalIgnoreCase);

    public string StripePublishableKey => options.Value.Stripe.PublishableKey;

    [BindProperty] public CheckoutForm Form { get; set; } = new();
    [BindProperty] public Guid CheckoutId { get; set; }
    [BindProperty] public decimal? ExpectedTotal { get; set; }
    [BindProperty] public string Card { get; set; } = "";

    public Quote Quote { get; private set; } = default!;
    public string? ShippingName { get; private set; }
    public string? Problem { get; private set; }
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (TempData.Peek(IndexModel.DraftKey) is not string draft || JsonSerializer.Deserialize<CheckoutForm>(draft) is not { } form)
            return RedirectToPage("/Checkout/Index");
        Form = form;
        return await ShowAsync(ct) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await shopper.CurrentIdAsync(ct) is not { } cartId)
        {
            TempData.Problem("Your cart is empty.");
            return RedirectToPage("/Cart/Index");
        }
        var request = new CheckoutRequest(CheckoutId, cartId, User.FindFirstValue(ClaimTypes.NameIdentifier), (Form.Email ?? "").Trim(),
            Form.ToAddress(), Form.ShippingMethod, Card ?? "", ExpectedTotal, Form.DiscountCode, Form.DeliveryNote);
        var result = await checkout.PlaceOrderAsync(request, ct);
        if (result.Succeeded)
        {
            TempData.Remove(IndexModel.DraftKey);
            // A new order's links are at their first version.
            return RedirectToPage("/Orders/Order", new { number = result.OrderNumber, key = access.KeyFor(result.OrderNumber!, (Form.Email ?? "").Trim(), linkVersion: 0) });
        }
        if (result.Outcome is CheckoutOutcome.CartEmpty or CheckoutOutcome.OutOfStock)
        {
            TempData.Problem(words.Of(result.Problem, null));
            return RedirectToPage("/Cart/Index");
        }
        Problem = words.Of(result.Problem, null) ?? (result.Problems.Count > 0 ? string.Join(" ", result.Problems.Select(words.Of)) : null);
        Errors = result.FieldErrors?.ToDictionary(e => e.Key, e => words.Of(e.Value)) ?? new Dictionary<string, string>();
        if (Errors.Keys.Any(k => k is not ("PaymentMethod" or "")))
        {
            // An address or discount code problem: back to the first step, with the shopper's answers kept.
            TempData[IndexModel.DraftKey] = JsonSerializer.Serialize(Form);
            TempData.Problem(Errors.TryGetValue("DiscountCode", out var code) ? code + " Nothing was charged." : "Please check your delivery details.");
            return RedirectToPage("/Checkout/Index");
        }
        return await ShowAsync(ct) ?? Page();
    }

    /// <summary>Prices the cart for the review, with a fresh checkout id for the next attempt.</summary>
    private async Task<IActionResult?> ShowAsync(CancellationToken ct)
    {
        if (await shopper.CurrentIdAsync(ct) is not { } cartId) return RedirectToPage("/Cart/Index");
        Quote = await checkout.QuoteAsync(cartId, Form.ToAddress(), Form.ShippingMethod, Form.DiscountCode, ct);
        if (Quote.CartIsEmpty)
        {
            TempData.Problem("Your cart is empty.");
            return RedirectToPage("/Cart/Index");
        }
        if (!Quote.CanOrder)
        {
            TempData.Problem(string.Join(" ", Quote.Problems.Select(words.Of)));
            return RedirectToPage("/Cart/Index");
        }
        if (Quote.DiscountProblem is { } refused)
        {
            // The code stopped working since the first step (it ended, or was used up): the first step says why.
            TempData[IndexModel.DraftKey] = JsonSerializer.Serialize(Form);
            TempData.Problem(words.Of(refused));
            return RedirectToPage("/Checkout/Index");
        }
        ShippingName = checkout.ShippingChoices(Quote.Subtotal, Quote.WeightKg).FirstOrDefault(s => s.Code == Form.ShippingMethod)?.Name;
        CheckoutId = Guid.CreateVersion7();
        ExpectedTotal = Quote.Total.Amount;
        Card = "";
        ModelState.Clear();
        return null;
    }
}
