using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// Quotes from current prices, the configured shipping methods and tax rates; never from the browser.
/// The rules themselves are in <see cref="PriceRules"/>.
/// </summary>
internal sealed class Pricing(ICarts carts, ICartPricing cartPricing, IOptions<CheckoutOptions> options)
{
    private CheckoutOptions Options => options.Value;

    public IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg) =>
        Options.Shipping.Select(m => new ShippingChoice(m.Key, m.Value.Name, new Money(PriceRules.ShippingPrice(m.Value, subtotal.Amount, weightKg), subtotal.Currency), PriceRules.FreeFrom(m.Value) is { } free ? new Money(free, subtotal.Currency) : null))
            .OrderBy(c => c.Price.Amount).ToList();

    public IReadOnlyDictionary<string, Problem> ValidateAddress(Address a) => PriceRules.ValidateAddress(a, Options.ShipsTo);

    public decimal TaxRate(Address address) => PriceRules.TaxRate(Options.TaxRates, address);

    public async Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, CancellationToken ct) =>
        await QuoteCartAsync(await carts.GetAsync(cartId, ct), address, shippingMethod, ct);

    /// <summary>
    /// The cart priced by Cart's one rule (<see cref="ICartPricing"/>), the rule the cart page shows:
    /// a line that page marks as not buyable is a problem here, with the same words, and the subtotal
    /// is the same; checkout adds shipping and tax.
    /// </summary>
    public async Task<Quote> QuoteCartAsync(CartSnapshot cart, Address? address, string? shippingMethod, CancellationToken ct)
    {
        var priced = await cartPricing.PriceAsync(cart, ct);
        var problems = CartNotices.ProblemsOf(priced).ToList();
        // A line that can be bought has its product, so its title and price.
        var quoted = priced.Purchasable.Select(l => new QuoteLine(l.Sku, l.Title!, l.UnitPrice!.Value, l.Quantity)).ToList();
        var weight = priced.Purchasable.Sum(l => l.Quantity * (l.WeightKg ?? Options.DefaultItemWeightKg));
        var (subtotal, currency) = (priced.Subtotal.Amount, priced.Subtotal.Currency);
        decimal shipping = 0, tax = 0;
        if (shippingMethod is not null)
        {
            if (Options.Shipping.TryGetValue(shippingMethod, out var method)) shipping = PriceRules.ShippingPrice(method, subtotal, weight);
            else problems.Add(Problem.Of(CheckoutProblems.ShippingMethodRequired));
        }
        if (address is not null) tax = PriceRules.Tax(subtotal, shipping, TaxRate(address));
        if (priced.Lines.Count == 0) problems.Add(Problem.Of(CheckoutProblems.CartEmpty));
        return new Quote(quoted, priced.Subtotal, new Money(shipping, currency), new Money(tax, currency),
            new Money(subtotal + shipping + tax, currency), problems) { WeightKg = weight, CartIsEmpty = priced.Lines.Count == 0 };
    }
}
