using Storefront.Checkout.Contracts;
using Storefront.Checkout.Saga;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Rules;

/// <summary>Postal regions and what makes a shipping address acceptable, without a store.</summary>
public sealed class AddressRulesTests
{
    private static readonly string[] ShipsTo = new CheckoutOptions().ShipsTo.ToArray();

    private static IReadOnlyDictionary<string, string> Validate(string region, string postalCode, string country = "US", string name = "Ada", string city = "Town") =>
        PriceRules.ValidateAddress(new Address(name, "1 Market Street", null, city, region, postalCode, country), ShipsTo)
            .ToDictionary(e => e.Key, e => English.Words.Of(e.Value));

    [Theory]
    [InlineData("US", true)]
    [InlineData("CA", true)]
    [InlineData("DE", false)]
    [InlineData("GB", false)]
    public void Only_the_US_and_Canada_need_a_region(string country, bool needs) =>
        Assert.Equal(needs, PostalRegions.HasRegions(country));

    [Theory]
    [InlineData("US", "NY", true)]
    [InlineData("US", "PR", true)]
    [InlineData("US", "AE", true)]
    [InlineData("US", "XX", false)]
    [InlineData("US", "ON", false)]
    [InlineData("CA", "ON", true)]
    [InlineData("CA", "NU", true)]
    [InlineData("CA", "NY", false)]
    [InlineData("DE", "anything", true)]
    public void Known_regions_are_the_states_territories_and_provinces(string country, string region, bool known) =>
        Assert.Equal(known, PostalRegions.IsKnownRegion(country, region));

    [Theory]
    [InlineData("US", "NY", "10001", true)]
    [InlineData("US", "NY", "06390", true)]
    [InlineData("US", "CT", "06390", true)]
    [InlineData("US", "MA", "02110", true)]
    [InlineData("US", "CA", "10001", false)]
    [InlineData("US", "TX", "73301", true)]
    [InlineData("US", "OK", "73301", false)]
    [InlineData("CA", "ON", "M5V 3L9", true)]
    [InlineData("CA", "QC", "h2x1y4", true)]
    [InlineData("CA", "BC", "M5V 3L9", false)]
    [InlineData("CA", "NT", "X1A 2B3", true)]
    [InlineData("CA", "NU", "X0A 0H0", true)]
    public void A_postal_code_matches_the_region_its_prefix_belongs_to(string country, string region, string postalCode, bool matches) =>
        Assert.Equal(matches, PostalRegions.PostalCodeMatchesRegion(country, region, postalCode));

    [Theory]
    [InlineData("CA", "94105", "US")]
    [InlineData(" ny ", "12207", "us")]
    [InlineData("AK", "99501-1234", "US")]
    [InlineData("ON", "M5V 3L9", "CA")]
    [InlineData("", "10115", "DE")]
    [InlineData("", "1012 AB", "NL")]
    [InlineData("", "SW1A 1AA", "GB")]
    public void A_complete_address_in_a_country_the_store_ships_to_has_no_errors(string region, string postalCode, string country) =>
        Assert.Empty(Validate(region, postalCode, country));

    [Theory]
    [InlineData("CA", "94105", "JP", "Country")]
    [InlineData("CA", "9410", "US", "PostalCode")]
    [InlineData("N", "10001", "US", "Region")]
    [InlineData("ZZ", "10001", "US", "Region")]
    [InlineData("CA", "10001", "US", "PostalCode")]
    [InlineData("BC", "M5V 3L9", "CA", "PostalCode")]
    [InlineData("", "1011", "DE", "PostalCode")]
    [InlineData("", "1012", "NL", "PostalCode")]
    public void A_wrong_field_is_named_with_its_error(string region, string postalCode, string country, string field) =>
        Assert.Equal([field], Validate(region, postalCode, country).Keys);

    [Fact]
    public void Blank_and_overlong_fields_are_refused_each_beside_its_field()
    {
        Assert.Equal(["City", "Name"], Validate("NY", "10001", name: " ", city: "").Keys.Order());
        Assert.Equal(["Name"], Validate("NY", "10001", name: new string('a', 101)).Keys);
        Assert.Empty(Validate("NY", "10001", name: new string('a', 100)));
    }
}
