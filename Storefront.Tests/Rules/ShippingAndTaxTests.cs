using Storefront.Checkout.Contracts;
using Storefront.Checkout.Saga;

namespace Storefront.Tests.Rules;

/// <summary>Shipping bands and tax as configured by default (<see cref="CheckoutOptions"/>), without a store.</summary>
public sealed class ShippingAndTaxTests
{
    private static readonly CheckoutOptions Defaults = new();

    private static decimal Ship(string method, decimal subtotal, decimal weightKg = 1m) =>
        PriceRules.ShippingPrice(Defaults.Shipping[method], subtotal, weightKg);

    [Theory]
    [InlineData(0, 4.99)]
    [InlineData(49.99, 4.99)]
    [InlineData(50, 0)]
    [InlineData(500, 0)]
    public void Flat_shipping_is_free_from_its_threshold_on(decimal subtotal, decimal expected) =>
        Assert.Equal(expected, Ship("standard", subtotal));

    [Theory]
    [InlineData(0, 14.99)]
    [InlineData(99.99, 14.99)]
    [InlineData(100, 9.99)]
    [InlineData(10_000, 9.99)]
    public void Subtotal_bands_take_the_first_band_whose_limit_the_subtotal_stays_below(decimal subtotal, decimal expected) =>
        Assert.Equal(expected, Ship("express", subtotal));

    [Theory]
    [InlineData(0, 5.49)]
    [InlineData(2, 5.49)]
    [InlineData(2.01, 9.49)]
    [InlineData(10, 9.49)]
    [InlineData(10.5, 19.99)]
    [InlineData(1000, 19.99)]
    public void Weight_bands_take_the_first_band_the_parcel_fits_up_to_and_including_its_limit(decimal weightKg, decimal expected) =>
        Assert.Equal(expected, Ship("parcel", 20m, weightKg));

    [Fact]
    public void Weight_bands_without_an_open_band_charge_the_last_band_for_a_heavier_parcel()
    {
        var method = new ShippingMethodOptions { WeightBands = [new() { UpTo = 1m, Price = 3m }, new() { UpTo = 5m, Price = 7m }] };
        Assert.Equal(7m, PriceRules.ShippingPrice(method, 10m, 50m));
    }

    [Fact]
    public void Subtotal_bands_without_an_open_band_ship_a_larger_order_free()
    {
        var method = new ShippingMethodOptions { Bands = [new() { UpTo = 100m, Price = 8m }] };
        Assert.Equal(0m, PriceRules.ShippingPrice(method, 100m, 1m));
    }

    [Fact]
    public void Only_a_flat_price_has_a_free_shipping_threshold()
    {
        Assert.Equal(50m, PriceRules.FreeFrom(Defaults.Shipping["standard"]));
        Assert.Null(PriceRules.FreeFrom(Defaults.Shipping["express"]));
        Assert.Null(PriceRules.FreeFrom(new ShippingMethodOptions { FreeFrom = 50m, Bands = [new() { Price = 5m }] }));
    }

    private static Address In(string country, string region = "") => new("A", "1 Street", null, "City", region, "00000", country);

    [Theory]
    [InlineData("US", "CA", 0.0725)]
    [InlineData(" us ", " ny ", 0.04)]
    [InlineData("US", "OR", 0)]
    [InlineData("DE", "", 0.19)]
    [InlineData("de", "BY", 0.19)]
    [InlineData("CA", "ON", 0)]
    public void The_region_rate_wins_over_the_country_rate_and_unknown_places_pay_none(string country, string region, decimal expected) =>
        Assert.Equal(expected, PriceRules.TaxRate(Defaults.TaxRates, In(country, region)));

    [Theory]
    [InlineData(100, 4.99, 0.0725, 7.61)]
    [InlineData(10, 0, 0.0625, 0.63)]
    [InlineData(10, 0, 0.0725, 0.73)]
    [InlineData(0, 0, 0.19, 0)]
    public void Tax_is_charged_on_goods_and_shipping_and_rounded_half_away_from_zero(decimal subtotal, decimal shipping, decimal rate, decimal expected) =>
        Assert.Equal(expected, PriceRules.Tax(subtotal, shipping, rate));
}
