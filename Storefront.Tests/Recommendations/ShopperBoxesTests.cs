using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

public sealed class ShopperBoxesFixture : ShopFixture;

/// <summary>Where shoppers meet the lists: the bundle on the product page, the cart, and the order.</summary>
public sealed class ShopperBoxesTests(ShopperBoxesFixture store) : IClassFixture<ShopperBoxesFixture>
{
    private static string Shopper(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    private async Task HistoryAsync(ShopFixture.TestProduct product, params ShopFixture.TestProduct[] with)
    {
        foreach (var who in new[] { "a", "b", "c" }) await Orders.PlaceAsync(store, Shopper(who), [product, .. with]);
        await Orders.PlaceAsync(store, Shopper("other"), await store.ProductAsync(30));
        using var scope = store.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default);
    }

    [Fact]
    public async Task Adding_the_bundle_puts_every_checked_item_in_the_cart_with_its_hold_and_names_the_one_that_sold_out()
    {
        var (camera, card, bag) = (await store.ProductAsync(20), await store.ProductAsync(20), await store.ProductAsync(20));
        await HistoryAsync(camera, card, bag);
        var client = store.Client();
        var html = await client.GetStringAsync($"/p/{camera.Slug}");
        var page = await Html.ParseAsync(html);
        var box = page.QuerySelector("section.bought-together")!;
        Assert.Equal("Frequently bought together", box.QuerySelector("h2")!.TextContent);
        var skus = box.QuerySelectorAll("input[type=checkbox][name=sku]").Select(i => i.GetAttribute("value")!).ToList();
        Assert.Equal(camera.Sku, skus[0]);
        Assert.Equal(new[] { card.Sku, bag.Sku }.Order(), skus.Skip(1).Order());
        Assert.All(box.QuerySelectorAll("input[type=checkbox]"), i => Assert.True(i.HasAttribute("checked")));
        Assert.Equal($"${camera.Price + card.Price + bag.Price:#,##0.00}", box.QuerySelector("[data-bundle-total]")!.TextContent);
        Assert.Equal("Add all 3 to cart", box.QuerySelector("button[type=submit]")!.TextContent);

        // The bag sells out while the shopper reads the page.
        using (var scope = store.Services.CreateScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().SetOnHandAsync(bag.Sku, 0, new StockChangeContext("test", "Sold out"), default)).Succeeded);
        var form = new List<KeyValuePair<string, string>>(skus.Select(s => new KeyValuePair<string, string>("sku", s)))
        {
            new("returnUrl", $"/p/{camera.Slug}"), new("__RequestVerificationToken", Html.AntiforgeryToken(html)),
        };
        var response = await client.PostAsync(box.QuerySelector("form")!.GetAttribute("action"), new FormUrlEncodedContent(form));

        Assert.Equal("/cart", response.RequestMessage!.RequestUri!.AbsolutePath);
        var cart = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal($"Added “{camera.Title}” and “{card.Title}” to your cart. “{bag.Title}” is no longer available, so it was not added.",
            cart.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.Equal(new[] { camera.Sku, card.Sku }.Order(), cart.QuerySelectorAll("tr.cart-line").Select(r => r.GetAttribute("data-sku")!).Order());
        Assert.Equal(20 - 3 - 1, await store.AvailableAsync(camera.Sku)); // three sold in the history, one held for this cart
        Assert.Equal(20 - 3 - 1, await store.AvailableAsync(card.Sku));
    }

    [Fact]
    public async Task An_add_all_with_nothing_checked_or_nothing_left_is_refused_with_a_message_and_adds_nothing()
    {
        var (kettle, gone) = (await store.ProductAsync(5), await store.ProductAsync(0));
        var client = store.Client();
        var html = await client.GetStringAsync($"/p/{kettle.Slug}");
        async Task<string> PostAsync(params string[] skus)
        {
            var form = skus.Select(s => new KeyValuePair<string, string>("sku", s)).Append(new("returnUrl", $"/p/{kettle.Slug}"))
                .Append(new("__RequestVerificationToken", Html.AntiforgeryToken(html)));
            var response = await client.PostAsync("/cart?handler=AddBundle", new FormUrlEncodedContent(form));
            Assert.Equal($"/p/{kettle.Slug}", response.RequestMessage!.RequestUri!.AbsolutePath);
            return (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector("[role=alert].flash")!.TextContent;
        }
        Assert.Equal("Tick at least one product to add.", await PostAsync());
        Assert.Equal($"“{gone.Title}” is no longer available, so nothing was added.", await PostAsync(gone.Sku));
        Assert.Equal("Add at most 5 products at once.", await PostAsync("A", "B", "C", "D", "E", "F"));
        Assert.Equal(0, (await client.GetDocumentAsync("/cart")).QuerySelectorAll("tr.cart-line").Length);
        Assert.Equal(5, await store.AvailableAsync(kettle.Sku));
    }

    [Fact]
    public async Task The_cart_suggests_what_goes_with_its_lines_and_the_order_page_suggests_the_next_visit()
    {
        var (tent, sleepingBag, stove) = (await store.ProductAsync(20), await store.ProductAsync(20), await store.ProductAsync(20));
        await HistoryAsync(tent, sleepingBag, stove);
        var client = store.Client();
        var html = await client.GetStringAsync($"/p/{tent.Slug}");
        await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = tent.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{tent.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(html),
        }));
        var cart = await client.GetDocumentAsync("/cart");
        var suggested = cart.QuerySelectorAll("section.complete-your-order .product-card a.product-link").Select(a => a.GetAttribute("href")![3..]).ToList();
        Assert.Equal(new[] { sleepingBag.Slug, stove.Slug }.Order(), suggested.Take(2).Order());
        Assert.DoesNotContain(tent.Slug, suggested);

        var number = await Orders.PlaceAsync(store, Shopper("d"), tent, stove);
        var order = await (await store.AdminClientAsync()).GetDocumentAsync($"/orders/{number}");
        var next = order.QuerySelectorAll("section.next-visit .product-card a.product-link").Select(a => a.GetAttribute("href")![3..]).ToList();
        Assert.Equal(sleepingBag.Slug, next[0]);
        Assert.DoesNotContain(tent.Slug, next);
        Assert.DoesNotContain(stove.Slug, next);
    }

    [Fact]
    public void A_bundle_prefers_a_complement_from_another_category_and_never_takes_a_best_seller_filling_in()
    {
        RecommendedItem Item(string sku, string source, int category) => new(sku, 10, 3, source, category);
        var list = new[]
        {
            Item("LENS-2", RecommendationSources.CoPurchase, 7), Item("LENS-3", RecommendationSources.CoPurchase, 7),
            Item("CARD", RecommendationSources.CoPurchase, 9), Item("SOLD-OUT-BAG", RecommendationSources.CoPurchase, 11),
            Item("TOP-SELLER", RecommendationSources.Category, 12),
        };
        Assert.Equal(["CARD", "LENS-2"], Bundles.Choose(list, ownCategory: 7, sellable: s => s != "SOLD-OUT-BAG").Select(i => i.Sku));
        Assert.Equal(["LENS-2", "LENS-3"], Bundles.Choose(list, ownCategory: 9, sellable: _ => true).Select(i => i.Sku));
        Assert.Empty(Bundles.Choose([list[4]], ownCategory: 7, sellable: _ => true));
    }
}
