using System.Text.RegularExpressions;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Saga;

/// <summary>
/// The rules of a quote that need nothing but their inputs: shipping bands, tax and what makes a
/// shipping address acceptable. <see cref="Pricing"/> reads the cart, the catalog and the prices and
/// applies these; tests check them without a store.
/// </summary>
internal static class PriceRules
{
    /// <summary>
    /// A flat price (free from <see cref="ShippingMethodOptions.FreeFrom"/> on), else the first weight
    /// band the parcel fits (the last band when it fits none), else the first subtotal band below
    /// whose limit the subtotal stays (free when none does).
    /// </summary>
    public static decimal ShippingPrice(ShippingMethodOptions method, decimal subtotal, decimal weightKg)
    {
        if (method.Flat is { } flat) return method.FreeFrom is { } free && subtotal >= free ? 0m : flat;
        if (method.WeightBands.Count > 0)
            return method.WeightBands.FirstOrDefault(b => b.UpTo is null || weightKg <= b.UpTo)?.Price ?? method.WeightBands[^1].Price;
        var band = method.Bands.FirstOrDefault(b => b.UpTo is null || subtotal < b.UpTo);
        return band?.Price ?? 0m;
    }

    /// <summary>The subtotal from which the method ships free: only a flat price has such a threshold.</summary>
    public static decimal? FreeFrom(ShippingMethodOptions method) => method.Flat is not null ? method.FreeFrom : null;

    /// <summary>The rate of "COUNTRY-REGION" when there is one, else the country's, else none.</summary>
    public static decimal TaxRate(IReadOnlyDictionary<string, decimal> rates, Address address)
    {
        var country = address.Country.Trim().ToUpperInvariant();
        var region = $"{country}-{address.Region?.Trim().ToUpperInvariant()}";
        return rates.TryGetValue(region, out var r) ? r : rates.GetValueOrDefault(country);
    }

    /// <summary>Tax on goods and shipping together, rounded to the cent, halves away from zero.</summary>
    public static decimal Tax(decimal subtotal, decimal shipping, decimal rate) =>
        Math.Round((subtotal + shipping) * rate, 2, MidpointRounding.AwayFromZero);

    /// <summary>What is wrong with a shipping address, by field; empty when nothing is.</summary>
    public static IReadOnlyDictionary<string, Problem> ValidateAddress(Address a, IReadOnlyCollection<string> shipsTo)
    {
        var errors = new Dictionary<string, Problem>();
        static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);
        if (Blank(a.Name)) errors["Name"] = Problem.Of(CheckoutProblems.NameRequired);
        else if (a.Name.Length > 100) errors["Name"] = Problem.Of(CheckoutProblems.NameTooLong);
        if (Blank(a.Line1)) errors["Line1"] = Problem.Of(CheckoutProblems.StreetRequired);
        else if (a.Line1.Length > 200) errors["Line1"] = Problem.Of(CheckoutProblems.StreetTooLong);
        if (a.Line2?.Length > 200) errors["Line2"] = Problem.Of(CheckoutProblems.SecondLineTooLong);
        if (Blank(a.City)) errors["City"] = Problem.Of(CheckoutProblems.CityRequired);
        else if (a.City.Length > 100) errors["City"] = Problem.Of(CheckoutProblems.CityTooLong);
        var country = (a.Country ?? "").Trim().ToUpperInvariant();
        if (!shipsTo.Contains(country)) errors["Country"] = Problem.Of(CheckoutProblems.CountryNotShipped);
        var postal = (a.PostalCode ?? "").Trim();
        var postalOk = country switch
        {
            "US" => Regex.IsMatch(postal, @"^\d{5}(-\d{4})?$"),
            "CA" => Regex.IsMatch(postal, @"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$"),
            "DE" or "FR" => Regex.IsMatch(postal, @"^\d{5}$"),
            "NL" => Regex.IsMatch(postal, @"^\d{4} ?[A-Za-z]{2}$"),
            _ => postal.Length is >= 3 and <= 10,
        };
        if (!postalOk) errors["PostalCode"] = Problem.Of(CheckoutProblems.PostalCodeInvalid);
        if (PostalRegions.HasRegions(country))
        {
            // Tax is looked up by region: a made-up code must be refused, not quoted without tax.
            var region = (a.Region ?? "").Trim().ToUpperInvariant();
            if (region.Length != 2) errors["Region"] = Problem.Of(CheckoutProblems.RegionRequired);
            else if (!PostalRegions.IsKnownRegion(country, region))
                errors["Region"] = Problem.Of(country == "US" ? CheckoutProblems.UnknownState : CheckoutProblems.UnknownProvince);
            else if (postalOk && !PostalRegions.PostalCodeMatchesRegion(country, region, postal))
                errors["PostalCode"] = Problem.Of(country == "US" ? CheckoutProblems.ZipNotInState : CheckoutProblems.PostalCodeNotInProvince);
        }
        return errors;
    }
}
