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
/// <remarks>
/// Adding to the cart is posted from cached product pages, which carry no per-visitor token: the
/// cart's forms are protected by the refusal of cross-site requests (Infrastructure/CrossSiteRequests)
/// and the SameSite cart cookie, not by an antiforgery token.
/// </remarks>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class IndexModel(ShopperCart shopper, ICarts carts, ICartPricing pricing, ICatalogQueries catalog,
    IValidator<IndexModel.AddLine> addRules, IValidator<IndexModel.ChangeLine> changeRules, OutcomeText words,
    BasketSuggestions suggestions) : PageModel
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

    /// <summary>"Complete your order": what goes with the cart's products.</summary>
    public IReadOnlyList<ProductSummary> CompleteYourOrder { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var id = await shopper.CurrentIdAsync(ct);
        if (shopper.CookieRejected)
            TempData.Problem("We could not read your cart cookie, so a new cart has been started.");
        Cart = await pricing.PriceAsync(id, ct);
        CompleteYourOrder = await suggestions.ForAsync(Cart.Lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal), 4, ct);
    }

    /// <summary>
    /// Adds to the cart. <paramref name="addId"/> is the click's id, which the page's script puts in
    /// the form: the same click arriving twice (a double click, a resent form) adds once.
    /// </summary>
    public async Task<IActionResult> OnPostAddAsync(string? sku, string? quantity, string? returnUrl, string? addId, CancellationToken ct)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : CartPage;
        if ((await addRules.ValidateAsync(new AddLine(quantity), ct)).Errors is [var refused, ..]) return Problem(back, refused.ErrorMessage);
        var count = FormNumbers.WholeNumber(quantity);
        if (string.IsNullOrWhiteSpace(sku)) return Problem(back, "Choose a product to add.");
        var products = await catalog.GetProductsBySkuAsync([sku], ct);
        if (!products.TryGetValue(sku, out var product)) return Problem(back, "That product is not available to buy.");

        var id = await shopper.EnsureIdAsync(addId, ct);
        var result = await carts.AddAsync(id, sku, count, shopper.Client, addId, ct);
        if (!result.Succeeded) return Problem(back, words.Of(result.Problem, "That could not be added to your cart."));
        TempData.Notice(count == 1
            ? $"Added “{product.Title}” to your cart."
            : $"Added {count} × “{product.Title}” to your cart.");
        return LocalRedirect(back);
    }

    /// <summary>The most products one "add all" may carry (a product and its bundle are three).</summary>
    public const int BundleLimit = 5;

    /// <summary>
    /// "Frequently bought together": one of each checked product, each with its own stock hold. A
    /// product no longer available is left out and named; the others are still added. The shopper
    /// lands on the cart to see what it holds, or back on the product page when nothing could be added.
    /// </summary>
    public async Task<IActionResult> OnPostAddBundleAsync(string[]? sku, string? returnUrl, string? addId, CancellationToken ct)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl! : CartPage;
        var wanted = (sku ?? []).Where(s => !string.IsNullOrWhiteSpace(s) && s.Length <= 64).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return Problem(back, "Tick at least one product to add.");
        if (wanted.Count > BundleLimit) return Problem(back, $"Add at most {BundleLimit} products at once.");
        var products = await catalog.GetProductsBySkuAsync(wanted, ct);
        var id = await shopper.EnsureIdAsync(addId, ct);
        var (added, refused) = (new List<string>(), new List<string>());
        foreach (var one in wanted)
        {
            if (!products.TryGetValue(one, out var product))
            {
                refused.Add("One of the products");
                continue;
            }
            var result = await carts.AddAsync(id, one, 1, shopper.Client, addId, ct);
            (result.Succeeded ? added : refused).Add($"“{product.Title}”");
        }
        if (added.Count == 0)
            return Problem(back, refused.Count == 1 ? $"{refused[0]} is no longer available, so nothing was added." : "None of those products is available any more, so nothing was added.");
        if (refused.Count == 0) TempData.Notice($"Added {Listed(added)} to your cart.");
        else TempData.Problem($"Added {Listed(added)} to your cart. {Listed(refused)} {(refused.Count == 1 ? "is" : "are")} no longer available, so {(refused.Count == 1 ? "it was" : "they were")} not added.");
        return RedirectToPage();
    }

    /// <summary>"A", "A and B", "A, B and C".</summary>
    private static string Listed(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Concat(names) : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";

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
