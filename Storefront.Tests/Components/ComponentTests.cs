using Bunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Web.Components;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Components;

public sealed class ComponentTests : BunitContext
{
    // Components link to pages through ShopLinks, which asks routing: give it the host's real pages.
    private static readonly Lazy<LinkGenerator> Routes = new(() =>
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddRazorPages().AddApplicationPart(typeof(ShopLinks).Assembly);
        var app = builder.Build();
        // This app never starts, and top-level routes reach routing only at start; UseEndpoints hands
        // the pages over at once.
        app.UseRouting();
#pragma warning disable ASP0014
        app.UseEndpoints(endpoints => endpoints.MapRazorPages());
#pragma warning restore ASP0014
        return app.Services.GetRequiredService<LinkGenerator>();
    });

    public ComponentTests() => Services.AddSingleton(new ShopLinks(Routes.Value));

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
    public void Product_view_shows_the_buy_box_details_histogram_and_review_pager()
    {
        var details = new ProductDetails(Guid.NewGuid(), "SF-9", "red-tent", "Red Tent", "Light tent.", "Summit",
            [new CategoryCrumb(1, "Camping", "camping")], [new ProductImage("/a.png", "Red tent front"), new ProductImage("/b.png", "Red tent side")],
            [new ProductAttribute("capacity", "Capacity", "2 people")], 4.5m, 12, [0, 0, 1, 4, 7], DateTimeOffset.UnixEpoch);
        var reviews = new Paged<ReviewView>([new ReviewView(Guid.NewGuid(), 5, "Great", "Dry all night", "Ann", DateTimeOffset.UnixEpoch, false)], 1, 5, 12);
        var cut = Render<ProductView>(p => p.Add(c => c.Product, details)
            .Add(c => c.Stock, new Storefront.Inventory.Contracts.SkuStock("SF-9", new Money(199m, "USD"), 10, 8))
            .Add(c => c.Reviews, reviews));
        Assert.Equal("$199.00", cut.Find(".buy-box .price").TextContent);
        Assert.Equal("Only 2 left", cut.Find("#availability").TextContent);
        Assert.Equal("2 people", cut.Find("table.attributes td").TextContent);
        Assert.Equal(2, cut.FindAll(".thumbs img").Count);
        Assert.Equal("58 percent", cut.FindAll(".histogram .bar")[0].GetAttribute("aria-label"));
        Assert.Equal("Page 1 of 3", cut.Find(".pager span").TextContent);
        Assert.Equal("/p/red-tent?reviews=2#reviews", cut.Find(".pager a").GetAttribute("href"));
    }

    [Fact]
    public void Product_view_without_stock_says_it_cannot_be_bought()
    {
        var details = new ProductDetails(Guid.NewGuid(), "SF-9", "red-tent", "Red Tent", "", "Summit", [], [], [], 0m, 0, [0, 0, 0, 0, 0], DateTimeOffset.UnixEpoch);
        var cut = Render<ProductView>(p => p.Add(c => c.Product, details).Add(c => c.Reviews, new Paged<ReviewView>([], 1, 5, 0)));
        Assert.Equal("Not available to buy", cut.Find(".buy-box .availability").TextContent);
        Assert.Equal("No reviews yet.", cut.Find("#reviews p:last-child").TextContent);
    }

    [Fact]
    public void Product_grid_shows_its_empty_text_when_there_is_nothing()
    {
        var cut = Render<ProductGrid>(p => p.Add(c => c.Products, []).Add(c => c.EmptyText, "Nothing matches."));
        Assert.Equal("Nothing matches.", cut.Find("p.empty").TextContent);
    }

    private static PricedCartLine Line(string sku, int quantity, decimal price, bool purchasable = true, DateTimeOffset? heldUntil = null) =>
        new(sku, "Thing " + sku, "thing-" + sku, null, quantity, new Money(price, "USD"), new Money(price, "USD"), 10, heldUntil,
            purchasable ? CartLineProblem.None : CartLineProblem.NotEnoughStock, false);

    [Fact]
    public void Cart_summary_counts_items_shows_the_subtotal_and_the_time_left_on_the_holds()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var cart = new PricedCart(Guid.NewGuid(),
            [Line("A", 2, 10m, heldUntil: now.AddMinutes(14).AddSeconds(5)), Line("B", 1, 5.5m, heldUntil: now.AddMinutes(9))],
            new Money(25.5m, "USD"), now, HoldsEnabled: true);
        var cut = Render<CartSummary>(p => p.Add(c => c.Cart, cart));
        Assert.Equal("3 items", cut.Find(".count").TextContent);
        Assert.Equal("$25.50", cut.Find(".subtotal strong").TextContent);
        Assert.Equal("9 min 00 s", cut.Find(".hold-time time").TextContent);
        Assert.Empty(cut.FindAll("[role=alert]"));
    }

    [Fact]
    public void Cart_summary_warns_when_a_line_cannot_be_bought_and_explains_when_holds_are_off()
    {
        var now = DateTimeOffset.UtcNow;
        var cart = new PricedCart(Guid.NewGuid(), [Line("A", 1, 10m), Line("B", 4, 2m, purchasable: false)],
            new Money(10m, "USD"), now, HoldsEnabled: false);
        var cut = Render<CartSummary>(p => p.Add(c => c.Cart, cart));
        Assert.Equal("Some products cannot be bought as they are. Change or remove them to continue.", cut.Find("[role=alert]").TextContent);
        Assert.Equal("Stock is not set aside until you place your order.", cut.Find(".hint").TextContent);
        Assert.Empty(cut.FindAll(".hold-time"));
        Assert.Equal("45 s", CartSummary.Remaining(now.AddSeconds(45), now));
        Assert.Equal("no time", CartSummary.Remaining(now.AddSeconds(-1), now));
    }
}
