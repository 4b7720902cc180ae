using Microsoft.Extensions.DependencyInjection;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

public sealed class AddressValidationFixture : ShopFixture;

public sealed class AddressValidationTests(AddressValidationFixture store) : IClassFixture<AddressValidationFixture>
{
    private static Address At(string region, string postalCode, string country = "US") =>
        new("Ada Shopper", "1 Market Street", null, "Somewhere", region, postalCode, country);

    private IReadOnlyDictionary<string, string> Validate(Address address)
    {
        using var scope = store.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ICheckout>().ValidateAddress(address).ToDictionary(e => e.Key, e => English.Words.Of(e.Value));
    }

    [Theory]
    [InlineData("CA", "94105", "US")]
    [InlineData("ny", "12207", "US")]
    [InlineData("MA", "02110", "US")]
    [InlineData("TX", "73301", "US")]
    [InlineData("DC", "20500", "US")]
    [InlineData("PR", "00901", "US")]
    [InlineData("AK", "99501-1234", "US")]
    [InlineData("ON", "M5V 3L9", "CA")]
    [InlineData("QC", "H2X1Y4", "CA")]
    [InlineData("", "SW1A 1AA", "GB")]
    public void Real_states_and_provinces_with_their_own_postal_codes_are_accepted(string region, string postal, string country) =>
        Assert.Empty(Validate(At(region, postal, country)));

    [Theory]
    [InlineData("ZZ", "US", "Enter a US state code, such as NY or CA.")]
    [InlineData("XX", "US", "Enter a US state code, such as NY or CA.")]
    [InlineData("QQ", "CA", "Enter a Canadian province code, such as ON or BC.")]
    public void A_made_up_state_or_province_is_refused_beside_the_region_field(string region, string country, string message)
    {
        var errors = Validate(At(region, country == "US" ? "94105" : "M5V 3L9", country));
        Assert.Equal(message, Assert.Single(errors, e => e.Key == "Region").Value);
    }

    [Theory]
    [InlineData("OR", "94105", "US", "This ZIP code is not in the state you entered.")]
    [InlineData("NY", "73301", "US", "This ZIP code is not in the state you entered.")]
    [InlineData("BC", "M5V 3L9", "CA", "This postal code is not in the province you entered.")]
    public void A_postal_code_from_another_state_or_province_is_refused(string region, string postal, string country, string message)
    {
        var errors = Validate(At(region, postal, country));
        Assert.Equal(["PostalCode"], errors.Keys);
        Assert.Equal(message, errors["PostalCode"]);
    }

    [Fact]
    public async Task The_delivery_page_refuses_a_made_up_state_instead_of_quoting_without_tax()
    {
        var product = await store.ProductAsync(10);
        var client = store.Client();
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        var delivery = await client.GetStringAsync("/checkout");
        var response = await client.PostAsync("/checkout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Email"] = "grace@example.test", ["Form.Name"] = "Grace Guest", ["Form.Line1"] = "5 Harbour Road",
            ["Form.City"] = "Austin", ["Form.Region"] = "ZZ", ["Form.PostalCode"] = "73301", ["Form.Country"] = "US",
            ["Form.ShippingMethod"] = "standard", ["__RequestVerificationToken"] = Html.AntiforgeryToken(delivery),
        }));
        Assert.Equal("/checkout", response.RequestMessage!.RequestUri!.AbsolutePath);
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("Enter a US state code, such as NY or CA.", doc.QuerySelector("#Form_Region-error")!.TextContent);
    }
}
