using Bunit;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.Web.Components;

namespace Storefront.Tests.Components;

public sealed class ComponentTests : BunitContext
{
    [Theory]
    [InlineData(0, "Out of stock", "out")]
    [InlineData(-2, "Out of stock", "out")]
    [InlineData(1, "Only 1 left", "low")]
    [InlineData(5, "Only 5 left", "low")]
    [InlineData(6, "In stock", "in")]
    public void Availability_says_in_stock_only_n_left_or_out_of_stock(int available, string text, string cssClass)
    {
        var cut = Render<Availability>(p => p.Add(c => c.Available, available));
        var span = cut.Find("span.availability");
        Assert.Equal(text, span.TextContent);
        Assert.Contains(cssClass, span.ClassList);
    }

    [Fact]
    public void Rating_stars_round_to_half_stars_and_read_out_the_rating()
    {
        var cut = Render<RatingStars>(p => p.Add(c => c.Rating, 3.74m).Add(c => c.Count, 12));
        Assert.Equal("Rated 3.7 out of 5 from 12 reviews", cut.Find(".rating").GetAttribute("aria-label"));
        Assert.Equal(3, cut.FindAll(".star.full").Count);
        Assert.Single(cut.FindAll(".star.half"));
        Assert.Equal("(12)", cut.Find(".rating-count").TextContent);
    }

    [Fact]
    public void Rating_stars_without_reviews_say_so()
    {
        var cut = Render<RatingStars>(p => p.Add(c => c.Rating, 0m).Add(c => c.Count, 0));
        Assert.Equal("No reviews yet", cut.Find(".rating").GetAttribute("aria-label"));
        Assert.Empty(cut.FindAll(".star.full"));
    }

    [Fact]
    public void Product_card_links_to_the_product_and_shows_price_and_alt_text()
    {
        var product = new ProductSummary(Guid.NewGuid(), "SF-1", "blue-kettle", "Blue <Kettle>", "Brewline",
            new ProductImage("/media/x.png", "A blue kettle"), new Money(24.5m, "USD"), 3, 4.5m, 2);
        var cut = Render<ProductCard>(p => p.Add(c => c.Product, product));
        Assert.Equal("/p/blue-kettle", cut.Find("a").GetAttribute("href"));
        Assert.Equal("A blue kettle", cut.Find("img").GetAttribute("alt"));
        Assert.Equal("$24.50", cut.Find(".price").TextContent);
        Assert.Equal("Only 3 left", cut.Find(".availability").TextContent);
        Assert.Contains("Blue &lt;Kettle&gt;", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Product_grid_shows_its_empty_text_when_there_is_nothing()
    {
        var cut = Render<ProductGrid>(p => p.Add(c => c.Products, []).Add(c => c.EmptyText, "Nothing matches."));
        Assert.Equal("Nothing matches.", cut.Find("p.empty").TextContent);
    }
}
