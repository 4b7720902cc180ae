using Storefront.Search.Contracts;
using Storefront.Search.Querying;

namespace Storefront.Tests.Rules;

public sealed class QueryParserTests
{
    private static readonly string[] Brands = ["Basswave", "Corvex", "North Peak", "Acme"];
    private static readonly CategoryName[] Categories =
    [
        new("headphones", "Headphones"), new("laptops", "Laptops"), new("running-shoes", "Running shoes"), new("books", "Books"),
    ];

    private static ParsedQuery Parse(string q) => QueryParser.Parse(q, Brands, Categories);

    [Theory]
    [InlineData("bluetooth headphones under $100", "bluetooth headphones", null, "100", null, "headphones")]
    [InlineData("laptop below 1,200", "laptop", null, "1200", null, "laptops")]
    [InlineData("shoes over $50", "shoes", "50", null, null, null)]
    [InlineData("running shoes between $20 and $50", "running shoes", "20", "50", null, "running-shoes")]
    [InlineData("headphones $20-$50", "headphones", "20", "50", null, "headphones")]
    [InlineData("headphones $50 to $20", "headphones", "20", "50", null, "headphones")]
    [InlineData("north peak jacket less than 80 dollars", "jacket", null, "80", "North Peak", null)]
    [InlineData("CORVEX laptops from 500", "laptops", "500", null, "Corvex", "laptops")]
    [InlineData("basswave", "", null, null, "Basswave", null)]
    [InlineData("  cookbook  ", "cookbook", null, null, null, null)]
    [InlineData("acmeish gadget", "acmeish gadget", null, null, null, null)]
    [InlineData("under 19.99", "", null, "19.99", null, null)]
    public void Prices_brands_and_categories_are_read_out_of_the_words(string query, string text, string? min, string? max, string? brand, string? category)
    {
        var parsed = Parse(query);
        Assert.Equal(text, parsed.Text);
        Assert.Equal(min is null ? null : decimal.Parse(min, System.Globalization.CultureInfo.InvariantCulture), parsed.MinPrice);
        Assert.Equal(max is null ? null : decimal.Parse(max, System.Globalization.CultureInfo.InvariantCulture), parsed.MaxPrice);
        Assert.Equal(brand, parsed.Brand);
        Assert.Equal(category, parsed.CategorySlug);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_query_is_empty(string? query) => Assert.True(QueryParser.Parse(query, Brands, Categories).IsEmpty);

    [Theory]
    [InlineData("title:\"foo\" AND (bar OR baz)~2 ^3 *")]
    [InlineData("'; DROP TABLE catalog.products; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\u0000\u0001 headphones \u0007")]
    public void Hostile_text_comes_through_as_plain_words(string query)
    {
        var parsed = Parse(query);
        Assert.DoesNotContain('\u0000', parsed.Text);
        Assert.True(parsed.Text.Length <= QueryParser.MaxLength);
    }

    [Theory]
    [InlineData("headphones under $999,999,999,999,999,999,999,999,999,999")]
    [InlineData("headphones over 9,999,999,999,999,999,999,999,999,999,999,999,999")]
    [InlineData("headphones between $1 and $999,999,999,999,999,999,999,999,999,999,999")]
    [InlineData("headphones $999,999,999,999,999,999,999,999,999,999-$5")]
    public void A_price_too_large_for_any_amount_is_no_price_filter_and_never_an_error(string query)
    {
        var parsed = Parse(query);
        Assert.Equal("headphones", parsed.Text);
        Assert.Null(parsed.MaxPrice);
        Assert.Null(parsed.MinPrice is > 1_000_000_000m ? parsed.MinPrice : null);
    }

    [Fact]
    public void A_very_long_query_is_cut_to_the_maximum_length()
    {
        var parsed = Parse(string.Concat(Enumerable.Repeat("headphones ", 100)));
        Assert.True(parsed.Text.Length <= QueryParser.MaxLength);
        Assert.Equal("headphones", parsed.CategorySlug);
    }
}
