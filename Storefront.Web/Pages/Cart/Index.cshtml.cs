using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Cart;

/// <summary>
/// The cart page, and the form handlers that change a cart: add (from product pages), update and
/// remove. Every handler redirects back with a message; a refused change leaves the cart as it was.
/// The add form lives on product pages and the cart page lists many lines, so a refused quantity is
/// reported as the page's message after the redirect rather than re-rendering another page's form.
/// </summary>
public sealed class IndexModel(ShopperCart shopper, ICarts carts, ICartPricing pricing, ICatalogQueries catalog,
    IValidator<IndexModel.AddLine> addRules, IValidator<IndexModel.ChangeLine> changeRules, OutcomeText words) : PageModel
{
    public sealed record AddLine(string? Quantity);

    public sealed class AddLineRules : AbstractValidator<AddLine>
    {
        public AddLineRules() => RuleFor(l => l.Quantity).Quantity(min: 1);
    }

    /// <summary>A new quantity for a line already in the cart; 0 removes it.</summary>
    public sealed record ChangeLine(string? Quantity);

    public sealed class ChangeLineRules : AbstractValidator<ChangeLine>
    {
        public ChangeLineRules() => RuleFor(l => l.Quantity).Quantity(min: 0);
    }

    public PricedCart Cart { get; private set; } = default!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var id = await shopper.CurrentIdAsync(ct);
        if (shopper.CookieRejected)
            TempData.Problem("We could not read your cart cookie, so a new cart has been started.");
        Cart = await pricing.PriceAsync(id, ct);
    }

    public async Task<IActionResult> OnPostAddAsync(string? sku, string? quantity, string? returnUrl, CancellationToken ct)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : CartPage;
        if ((await addRules.ValidateAsync(new AddLine(quantity), ct)).Errors is [var refused, ..]) return Problem(back, refused.ErrorMessage);
        var count = FormNumbers.WholeNumber(quantity);
        if (string.IsNullOrWhiteSpace(sku)) return Problem(back, "Choose a product to add.");
        var products = await catalog.GetProductsBySkuAsync([sku], ct);
        if (!products.TryGetValue(sku, out var product)) return Problem(back, "That product is not available to buy.");

        var id = await shopper.EnsureIdAsync(ct);
        var result = await carts.AddAsync(id, sku, count, shopper.Client, ct);
        if (!result.Succeeded) return Problem(back, words.Of(result.Problem, "That could not be added to your cart."));
        TempData.Notice(count == 1
            ? $"Added “{product.Title}” to your cart."
            : $"Added {count} × “{product.Title}” to your cart.");
        return LocalRedirect(back);
    }

    public async Task<IActionResult> OnPostUpdateAsync(string? sku, string? quantity, CancellationToken ct)
    {
        if ((await changeRules.ValidateAsync(new ChangeLine(quantity), ct)).Errors is [var refused, ..]) return Problem(CartPage, refused.ErrorMessage);
        var count = FormNumbers.WholeNumber(quantity);
        if (await shopper.CurrentIdAsync(ct) is not { } id || string.IsNullOrEmpty(sku))
            return Problem(CartPage, "That product is no longer in your cart.");
        var result = await carts.SetQuantityAsync(id, sku, count, shopper.Client, ct);
        if (!result.Succeeded) return Problem(CartPage, words.Of(result.Problem, "Your cart could not be changed."));
        TempData.Notice(count == 0 ? "Removed from your cart." : "Your cart has been updated.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? sku, CancellationToken ct)
    {
        if (await shopper.CurrentIdAsync(ct) is not { } id || string.IsNullOrEmpty(sku))
            return Problem(CartPage, "That product is no longer in your cart.");
        var result = await carts.RemoveAsync(id, sku, ct);
        if (!result.Succeeded) return Problem(CartPage, words.Of(result.Problem, "Your cart could not be changed."));
        TempData.Notice("Removed from your cart.");
        return RedirectToPage();
    }

    /// <summary>This page's address: where a change made on it comes back to.</summary>
    private string CartPage => Url.Page("/Cart/Index")!;

    private LocalRedirectResult Problem(string back, string? message)
    {
        TempData.Problem(message);
        return LocalRedirect(back);
    }
}
