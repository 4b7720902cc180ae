using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Discounts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// Quotes from current prices, the configured shipping methods and tax rates; never from the browser.
/// The rules themselves are in <see cref="PriceRules"/>.
/// </summary>
internal sealed class Pricing(ICarts carts, ICartPricing cartPricing, DiscountCodes discounts, IOptions<CheckoutOptions> options, TimeProvider clock)
{
    private CheckoutOptions Options => options.Value;

    public IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg) =>
        Options.Shipping.Select(m => new ShippingChoice(m.Key, m.Value.Name, new Money(PriceRules.ShippingPrice(m.Value, subtotal.Amount, weightKg), subtotal.Currency), PriceRules.FreeFrom(m.Value) is { } free ? new Money(free, subtotal.Currency) : null))
            .OrderBy(c => c.Price.Amount).ToList();

    public IReadOnlyDictionary<string, Problem> ValidateAddress(Address a) => PriceRules.ValidateAddress(a, Options.ShipsTo);

    public decimal TaxRate(Address address) => PriceRules.TaxRate(Options.TaxRates, address);

    public async Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, string? discountCode, CancellationToken ct) =>
        await QuoteCartAsync(await carts.GetAsync(cartId, ct), address, shippingMethod, discountCode, ct);

    /// <summary>
    /// The cart priced by Cart's one rule (<see cref="ICartPricing"/>), the rule the cart page shows:
    /// a line that page marks as not buyable is a problem here, with the same words, and the subtotal
    /// is the same; checkout adds the discount, shipping and tax.
    /// </summary>
    public async Task<Quote> QuoteCartAsync(CartSnapshot cart, Address? address, string? shippingMethod, string? discountCode, CancellationToken ct)
    {
        var priced = await cartPricing.PriceAsync(cart, ct);
        var problems = CartNotices.ProblemsOf(priced).ToList();
        // A line that can be bought has its product, so its title and price.
        var quoted = priced.Purchasable.Select(l => new QuoteLine(l.Sku, l.Title!, l.UnitPrice!.Value, l.Quantity)).ToList();
        var weight = priced.Purchasable.Sum(l => Weight(l.Quantity, l.WeightKg));
        var code = DiscountCodeText.Normalize(discountCode);
        var (discount, refused) = code.Length == 0 ? (0m, null) : await DiscountAsync(code, priced.Subtotal, ct);
        var (shipping, tax, total) = ShippingAndTax(priced.Subtotal, discount, weight, address, shippingMethod, problems);
        if (priced.Lines.Count == 0) problems.Add(Problem.Of(CheckoutProblems.CartEmpty));
        return new Quote(quoted, priced.Subtotal, shipping, tax, total, problems)
        {
            WeightKg = weight, CartIsEmpty = priced.Lines.Count == 0,
            DiscountCode = code.Length == 0 ? null : code,
            Discount = code.Length == 0 || refused is not null ? null : priced.Subtotal with { Amount = discount },
            DiscountProblem = refused,
        };
    }

    /// <summary>What the code takes off these goods now, or why it cannot be used (its last uses may still go to others before this order).</summary>
    private async Task<(decimal Amount, Problem? Refused)> DiscountAsync(string code, Money subtotal, CancellationToken ct)
    {
        var found = DiscountCodeText.IsWellFormed(code) ? await discounts.FindAsync(code, ct) : null;
        if (found is null) return (0, Problem.Of(CheckoutProblems.DiscountUnknown, ("code", code)));
        if (DiscountRules.Refusal(found, clock.GetUtcNow(), subtotal.Amount, subtotal.Currency) is { } refusal) return (0, refusal);
        return (DiscountRules.AmountOff(found.Kind, found.Value, subtotal.Amount), null);
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
        var (shipping, tax, total) = ShippingAndTax(subtotal, 0, weight, address, shippingMethod, problems);
        return new Quote(quoted, subtotal, shipping, tax, total, problems) { WeightKg = weight };
    }

    /// <summary>What <paramref name="quantity"/> units weigh: the product's weight, or Checkout:DefaultItemWeightKg when it has none.</summary>
    private decimal Weight(int quantity, decimal? weightKg) => quantity * (weightKg ?? Options.DefaultItemWeightKg);

    /// <summary>
    /// Shipping by the method and the parcel's weight (when a method is chosen; priced on the goods
    /// before the discount, as the shipping choices show it), tax from the address (when there is
    /// one) on the goods after the discount and the shipping, and the total, in the subtotal's currency.
    /// </summary>
    private (Money Shipping, Money Tax, Money Total) ShippingAndTax(Money subtotal, decimal discount, decimal weightKg, Address? address, string? shippingMethod, List<Problem> problems)
    {
        decimal shipping = 0, tax = 0;
        if (shippingMethod is not null)
        {
            if (Options.Shipping.TryGetValue(shippingMethod, out var method)) shipping = PriceRules.ShippingPrice(method, subtotal.Amount, weightKg);
            else problems.Add(Problem.Of(CheckoutProblems.ShippingMethodRequired));
        }
        var goods = subtotal.Amount - discount;
        if (address is not null) tax = PriceRules.Tax(goods, shipping, TaxRate(address));
        return (subtotal with { Amount = shipping }, subtotal with { Amount = tax }, subtotal with { Amount = goods + shipping + tax });
    }
}
