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
        var weight = priced.Purchasable.Sum(l => Weight(l.Quantity, l.WeightKg));
        var (shipping, tax, total) = ShippingAndTax(priced.Subtotal, weight, address, shippingMethod, problems);
        if (priced.Lines.Count == 0) problems.Add(Problem.Of(CheckoutProblems.CartEmpty));
        return new Quote(quoted, priced.Subtotal, shipping, tax, total, problems)
        {
            WeightKg = weight, CartIsEmpty = priced.Lines.Count == 0,
        };
    }

    /// <summary>
    /// Lines priced elsewhere (a reserved order's, in <paramref name="currency"/>): their subtotal, and
    /// shipping and tax by the same rules as a cart's.
    /// </summary>
    public Quote QuoteLines(IReadOnlyList<PricedLine> lines, string currency, Address address, string shippingMethod)
    {
        var problems = new List<Problem>();
        var quoted = lines.Select(l => new QuoteLine(l.Sku, l.Title, new Money(l.UnitPrice, currency), l.Quantity)).ToList();
        var weight = lines.Sum(l => Weight(l.Quantity, l.WeightKg));
        var subtotal = new Money(quoted.Sum(l => l.LineTotal.Amount), currency);
        var (shipping, tax, total) = ShippingAndTax(subtotal, weight, address, shippingMethod, problems);
        return new Quote(quoted, subtotal, shipping, tax, total, problems) { WeightKg = weight };
    }

    /// <summary>What <paramref name="quantity"/> units weigh: the product's weight, or Checkout:DefaultItemWeightKg when it has none.</summary>
    private decimal Weight(int quantity, decimal? weightKg) => quantity * (weightKg ?? Options.DefaultItemWeightKg);

    /// <summary>
    /// Shipping by the method and the parcel's weight (when a method is chosen), tax from the address
    /// (when there is one), and the total, in the subtotal's currency.
    /// </summary>
    private (Money Shipping, Money Tax, Money Total) ShippingAndTax(Money subtotal, decimal weightKg, Address? address, string? shippingMethod, List<Problem> problems)
    {
        decimal shipping = 0, tax = 0;
        if (shippingMethod is not null)
        {
            if (Options.Shipping.TryGetValue(shippingMethod, out var method)) shipping = PriceRules.ShippingPrice(method, subtotal.Amount, weightKg);
            else problems.Add(Problem.Of(CheckoutProblems.ShippingMethodRequired));
        }
        if (address is not null) tax = PriceRules.Tax(subtotal.Amount, shipping, TaxRate(address));
        return (subtotal with { Amount = shipping }, subtotal with { Amount = tax }, subtotal with { Amount = subtotal.Amount + shipping + tax });
    }
}
