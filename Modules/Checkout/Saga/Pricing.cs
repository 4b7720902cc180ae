using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>Quotes from current prices, the configured shipping methods and tax rates; never from the browser.</summary>
internal sealed class Pricing(ICarts carts, ICatalogQueries catalog, IPricesAndStock prices, IOptions<CheckoutOptions> options)
{
    private CheckoutOptions Options => options.Value;

    public IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg) =>
        Options.Shipping.Select(m => new ShippingChoice(m.Key, m.Value.Name, new Money(ShippingPrice(m.Value, subtotal.Amount, weightKg), subtotal.Currency), Describe(m.Value)))
            .OrderBy(c => c.Price.Amount).ToList();

    private static decimal ShippingPrice(ShippingMethodOptions method, decimal subtotal, decimal weightKg)
    {
        if (method.Flat is { } flat) return method.FreeFrom is { } free && subtotal >= free ? 0m : flat;
        if (method.WeightBands.Count > 0)
            return method.WeightBands.FirstOrDefault(b => b.UpTo is null || weightKg <= b.UpTo)?.Price ?? method.WeightBands[^1].Price;
        var band = method.Bands.FirstOrDefault(b => b.UpTo is null || subtotal < b.UpTo);
        return band?.Price ?? 0m;
    }

    private static string Describe(ShippingMethodOptions method) =>
        method.Flat is not null && method.FreeFrom is { } free ? $"Free from {free:0.00}" : "";

    public IReadOnlyDictionary<string, string> ValidateAddress(Address a)
    {
        var errors = new Dictionary<string, string>();
        static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);
        if (Blank(a.Name)) errors["Name"] = "Enter the name of the person receiving the order.";
        else if (a.Name.Length > 100) errors["Name"] = "Keep the name under 100 characters.";
        if (Blank(a.Line1)) errors["Line1"] = "Enter the street address.";
        else if (a.Line1.Length > 200) errors["Line1"] = "Keep the street address under 200 characters.";
        if (a.Line2?.Length > 200) errors["Line2"] = "Keep the second address line under 200 characters.";
        if (Blank(a.City)) errors["City"] = "Enter the city.";
        else if (a.City.Length > 100) errors["City"] = "Keep the city under 100 characters.";
        var country = (a.Country ?? "").Trim().ToUpperInvariant();
        if (!Options.ShipsTo.Contains(country)) errors["Country"] = "We do not ship to that country.";
        var postal = (a.PostalCode ?? "").Trim();
        var postalOk = country switch
        {
            "US" => System.Text.RegularExpressions.Regex.IsMatch(postal, @"^\d{5}(-\d{4})?$"),
            "CA" => System.Text.RegularExpressions.Regex.IsMatch(postal, @"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$"),
            "DE" or "FR" => System.Text.RegularExpressions.Regex.IsMatch(postal, @"^\d{5}$"),
            "NL" => System.Text.RegularExpressions.Regex.IsMatch(postal, @"^\d{4} ?[A-Za-z]{2}$"),
            _ => postal.Length is >= 3 and <= 10,
        };
        if (!postalOk) errors["PostalCode"] = "Enter a valid postal code for the country.";
        if (PostalRegions.HasRegions(country))
        {
            // Tax is looked up by region: a made-up code must be refused, not quoted without tax.
            var region = (a.Region ?? "").Trim().ToUpperInvariant();
            if (region.Length != 2) errors["Region"] = "Enter the two-letter state or province code.";
            else if (!PostalRegions.IsKnownRegion(country, region))
                errors["Region"] = country == "US" ? "Enter a US state code, such as NY or CA." : "Enter a Canadian province code, such as ON or BC.";
            else if (postalOk && !PostalRegions.PostalCodeMatchesRegion(country, region, postal))
                errors["PostalCode"] = country == "US" ? "This ZIP code is not in the state you entered." : "This postal code is not in the province you entered.";
        }
        return errors;
    }

    public decimal TaxRate(Address address)
    {
        var country = address.Country.Trim().ToUpperInvariant();
        var region = $"{country}-{address.Region?.Trim().ToUpperInvariant()}";
        return Options.TaxRates.TryGetValue(region, out var r) ? r : Options.TaxRates.GetValueOrDefault(country);
    }

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
            if (Options.Shipping.TryGetValue(shippingMethod, out var method)) shipping = ShippingPrice(method, subtotal, weight);
            else problems.Add("Choose a shipping method.");
        }
        if (address is not null) tax = Math.Round((subtotal + shipping) * TaxRate(address), 2, MidpointRounding.AwayFromZero);
        if (quoted.Count == 0 && problems.Count == 0) problems.Add("Your cart is empty.");
        return new Quote(quoted, new Money(subtotal, currency), new Money(shipping, currency), new Money(tax, currency),
            new Money(subtotal + shipping + tax, currency), problems) { WeightKg = weight };
    }
}
