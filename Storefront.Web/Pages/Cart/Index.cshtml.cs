using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Cart;

/// <summary>
/// The cart page, and the form handlers that change a cart: add (from product pages), update and
/// remove. Every handler redirects back with a message; a refused change leaves the cart as it was.
/// </summary>
public sealed class IndexModel(ShopperCart shopper, ICarts carts, ICartPricing pricing, ICatalogQueries catalog) : PageModel
{
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
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : "/cart";
        if (ParseQuantity(quantity, min: 1) is not { } count) return Problem(back, QuantityMessage(1));
        if (string.IsNullOrWhiteSpace(sku)) return Problem(back, "Choose a product to add.");
        var products = await catalog.GetProductsBySkuAsync([sku], ct);
        if (!products.TryGetValue(sku, out var product)) return Problem(back, "That product is not available to buy.");

        var id = await shopper.EnsureIdAsync(ct);
        var result = await carts.AddAsync(id, sku, count, shopper.Client, ct);
        if (!result.Succeeded) return Problem(back, result.Message ?? "That could not be added to your cart.");
        TempData.Notice(count == 1
            ? $"Added “{product.Title}” to your cart."
            : $"Added {count} × “{product.Title}” to your cart.");
        return LocalRedirect(back);
    }

    public async Task<IActionResult> OnPostUpdateAsync(string? sku, string? quantity, CancellationToken ct)
    {
        if (ParseQuantity(quantity, min: 0) is not { } count) return Problem("/cart", QuantityMessage(0));
        if (await shopper.CurrentIdAsync(ct) is not { } id || string.IsNullOrEmpty(sku))
            return Problem("/cart", "That product is no longer in your cart.");
        var result = await carts.SetQuantityAsync(id, sku, count, shopper.Client, ct);
        if (!result.Succeeded) return Problem("/cart", result.Message ?? "Your cart could not be changed.");
        TempData.Notice(count == 0 ? "Removed from your cart." : "Your cart has been updated.");
        return LocalRedirect("/cart");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? sku, CancellationToken ct)
    {
        if (await shopper.CurrentIdAsync(ct) is not { } id || string.IsNullOrEmpty(sku))
            return Problem("/cart", "That product is no longer in your cart.");
        var result = await carts.RemoveAsync(id, sku, ct);
        if (!result.Succeeded) return Problem("/cart", result.Message ?? "Your cart could not be changed.");
        TempData.Notice("Removed from your cart.");
        return LocalRedirect("/cart");
    }

    private LocalRedirectResult Problem(string back, string message)
    {
        TempData.Problem(message);
        return LocalRedirect(back);
    }

    private const int MaxQuantity = 10_000;

    private static int? ParseQuantity(string? value, int min) =>
        int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= MaxQuantity ? n : null;

    private static string QuantityMessage(int min) => $"Enter a whole number of {min} or more as the quantity.";
}
