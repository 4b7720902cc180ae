using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// Quotes from current prices, the configured shipping methods and tax rates; never from the browser.
/// The rules themselves are in <see cref="PriceRules"/>.
/// </summary>
internal sealed class Pricing(ICarts carts, ICatalogQueries catalog, IPricesAndStock prices, IOptions<CheckoutOptions> options)
{
    private CheckoutOptions Options => options.Value;

    public IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg) =>
        Options.Shipping.Select(m => new ShippingChoice(m.Key, m.Value.Name, new Money(PriceRules.ShippingPrice(m.Value, subtotal.Amount, weightKg), subtotal.Currency), PriceRules.DescribeShipping(m.Value)))
            .OrderBy(c => c.Price.Amount).ToList();

    public IReadOnlyDictionary<string, string> ValidateAddress(Address a) => PriceRules.ValidateAddress(a, Options.ShipsTo);

    public decimal TaxRate(Address address) => PriceRules.TaxRate(Options.TaxRates, address);

    public async Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, CancellationToken ct)
    {
        var cart = await carts.GetAsync(cartId, ct);
        return await QuoteLinesAsync(cart.Lines.Select(l => (l.Sku, l.Quantity)).ToList(), address, shippingMethod, ct);
    }

    public async Task<Quote> QuoteLinesAsync(IReadOnlyList<(string Sku, int Quantity)> lines, Address? address, string? shippingMethod, CancellationToken ct)
    {
        var problems = new List<string>();
        var skus = lines.Select(l => l.Sku).ToArray();
        var products = await catalog.GetProductsBySkuAsync(skus, ct);
        var stock = await prices.GetManyAsync(skus, ct);
        var quoted = new List<QuoteLine>();
        decimal weight = 0;
        foreach (var (sku, quantity) in lines)
        {
            if (!products.TryGetValue(sku, out var product) || !stock.TryGetValue(sku, out var item))
            {
                problems.Add($"{products.GetValueOrDefault(sku)?.Title ?? sku} is no longer sold. Remove it from your cart.");
                continue;
            }
            quoted.Add(new QuoteLine(sku, product.Title, item.Price, quantity));
            weight += quantity * (product.WeightKg ?? Options.DefaultItemWeightKg);
        }
        var currency = quoted.FirstOrDefault()?.UnitPrice.Currency ?? "USD";
        if (quoted.Any(l => l.UnitPrice.Currency != currency)) problems.Add("The cart mixes currencies; this store cannot charge it.");
        var subtotal = quoted.Sum(l => l.LineTotal.Amount);
        decimal shipping = 0, tax = 0;
        if (shippingMethod is not null)
        {
            if (Options.Shipping.TryGetValue(shippingMethod, out var method)) shipping = PriceRules.ShippingPrice(method, subtotal, weight);
            else problems.Add("Choose a shipping method.");
        }
        if (address is not null) tax = PriceRules.Tax(subtotal, shipping, TaxRate(address));
        if (quoted.Count == 0 && problems.Count == 0) problems.Add("Your cart is empty.");
        return new Quote(quoted, new Money(subtotal, currency), new Money(shipping, currency), new Money(tax, currency),
            new Money(subtotal + shipping + tax, currency), problems) { WeightKg = weight };
    }
}
