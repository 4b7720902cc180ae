using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Storefront.Catalog.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;
using Storefront.Web.Seeding;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>The demo store with its generated order history, as a shopper sees its recommendations.</summary>
public sealed class RecommendationsBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_shopper_sees_what_goes_with_a_camera_adds_the_bundle_and_the_cart_holds_every_item()
    {
        var camera = await CameraWithBundleAsync();

        var page = await app.NewPageAsync();
        await page.GotoAsync($"/p/{camera.Slug}");
        var box = page.Locator("section.bought-together");
        await Expect(box.GetByRole(AriaRole.Heading, new() { Name = "Frequently bought together" })).ToBeVisibleAsync();
        var items = box.GetByRole(AriaRole.Checkbox);
        await Expect(items).ToHaveCountAsync(3);
        var button = box.GetByRole(AriaRole.Button);
        await Expect(button).ToHaveTextAsync("Add all 3 to cart");
        var total = await box.Locator("[data-bundle-total]").TextContentAsync();
        await Expect(page.Locator("section.also-bought").GetByRole(AriaRole.Heading, new() { Name = "Customers who bought this also bought" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "product-recommendations");

        // Unticking one changes the total and the button; ticking it again brings both back.
        await items.Nth(2).UncheckAsync();
        await Expect(button).ToHaveTextAsync("Add 2 items to cart");
        await Expect(box.Locator("[data-bundle-total]")).Not.ToHaveTextAsync(total!);
        await items.Nth(2).CheckAsync();
        await Expect(box.Locator("[data-bundle-total]")).ToHaveTextAsync(total!);

        var titles = new List<string>();
        foreach (var label in await box.Locator("label").AllTextContentsAsync()) titles.Add(label.Replace("This item:", "", StringComparison.Ordinal).Trim());
        await button.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/cart$"));
        await Expect(page.Locator(".flash[role=status]")).ToContainTextAsync("to your cart.");
        var lines = page.Locator("tr.cart-line");
        await Expect(lines).ToHaveCountAsync(3);
        foreach (var title in titles) await Expect(page.Locator("tr.cart-line .product-cell a", new() { HasTextString = title })).ToBeVisibleAsync();
        await Expect(page.Locator(".held")).ToHaveCountAsync(3); // each item held for the shopper
        await BrowserFixture.ScreenshotAsync(page, "cart-after-bundle");
        Assert.Empty(app.CspViolations); // the bundle's script is a file of the site, allowed by the policy
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(412)]
    public async Task The_also_bought_cards_keep_to_one_row_which_scrolls_sideways_only_where_it_does_not_fit(int width)
    {
        var camera = await CameraWithBundleAsync();
        var page = await app.NewPageAsync(width: width);
        await page.GotoAsync($"/p/{camera.Slug}");
        var strip = page.Locator("section.also-bought .product-grid");
        await Expect(strip.Locator(".product-card").First).ToBeVisibleAsync();
        var layout = await strip.EvaluateAsync<double[]>("""
            grid => {
                const tops = [...grid.querySelectorAll('.product-card')].map(card => card.getBoundingClientRect().top);
                return [new Set(tops).size, grid.scrollWidth - grid.clientWidth, document.documentElement.scrollWidth - document.documentElement.clientWidth, tops.length];
            }
            """);
        Assert.Equal(1, layout[0]); // every card on one row
        Assert.Equal(0, layout[2]); // the page itself never scrolls sideways
        if (width == 1280) Assert.Equal(0, layout[1]); // six cards fit a desktop row
        else Assert.True(layout[1] > 0 && layout[3] > 2, "on a phone the row holds more cards than fit, and scrolls");
    }

    [Fact]
    public async Task A_merchant_reads_a_products_list_blocks_a_pair_and_pins_a_product_and_the_shopper_sees_both_on_the_next_view()
    {
        var camera = await CameraWithBundleAsync();
        var shopper = await app.NewPageAsync();
        await shopper.GotoAsync($"/p/{camera.Slug}");
        var alsoBought = shopper.Locator("section.also-bought .product-card h3");
        var before = await alsoBought.AllTextContentsAsync();
        Assert.NotEmpty(before);

        var merchant = await app.NewPageAsync();
        await merchant.GotoAsync($"/admin/recommendations?sku={camera.Sku}");
        await merchant.GetByLabel("E-mail").FillAsync(AdminBootstrapper.DemoEmail);
        await merchant.GetByLabel("Password").FillAsync(AdminBootstrapper.DemoPassword);
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(merchant).ToHaveURLAsync(new Regex("/admin/recommendations"));
        await Expect(merchant.GetByRole(AriaRole.Heading, new() { Name = "Coverage" })).ToBeVisibleAsync();
        await Expect(merchant.GetByRole(AriaRole.Heading, new() { Name = "Last rebuilds" })).ToBeVisibleAsync();
        var rows = merchant.Locator("table.recommendation-list tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        await Expect(rows.First.Locator("td").Nth(2)).ToHaveTextAsync("co-purchase");
        await BrowserFixture.ScreenshotAsync(merchant, "admin-recommendations");

        // Block the pair the shopper saw first: it leaves the merchant's list and the shopper's page.
        var top = (await rows.First.GetAttributeAsync("data-sku"))!;
        var topTitle = await TitleAsync(top);
        Assert.Contains(topTitle, before);
        await rows.First.GetByRole(AriaRole.Button, new() { Name = "Block pair" }).ClickAsync();
        await Expect(merchant.Locator($"table.recommendation-list tr[data-sku='{top}']")).ToHaveCountAsync(0);
        await Expect(merchant.Locator($"ul.blocked li[data-sku='{top}']")).ToBeVisibleAsync();
        await shopper.ReloadAsync();
        await Expect(alsoBought.Filter(new() { HasTextString = topTitle })).ToHaveCountAsync(0);

        // Pin a product from another part of the store: it comes first, for the shopper too.
        var pinned = await ProductOutsideTheListAsync(camera.Sku);
        await merchant.GetByLabel("Pin a product to the top of this list (SKU)").FillAsync(pinned.Sku);
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true }).ClickAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-sku", pinned.Sku);
        await Expect(rows.First.Locator("td").Nth(2)).ToHaveTextAsync("pinned");
        await shopper.ReloadAsync();
        await Expect(alsoBought.First).ToHaveTextAsync(pinned.Title);
        await BrowserFixture.ScreenshotAsync(merchant, "admin-recommendations-after-pin");
        Assert.Empty(app.CspViolations);
    }

    private async Task<string> TitleAsync(string sku)
    {
        using var scope = app.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductsBySkuAsync([sku], default))[sku].Title;
    }

    /// <summary>A published product in stock that is not on the list of <paramref name="sku"/>.</summary>
    private async Task<ProductSummary> ProductOutsideTheListAsync(string sku)
    {
        using var scope = app.Services.CreateScope();
        var list = (await scope.ServiceProvider.GetRequiredService<Storefront.Recommendations.Contracts.IRecommendations>().AlsoBoughtAsync(sku, default))
            .Select(i => i.Sku).ToHashSet(StringComparer.Ordinal);
        var tents = (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().BrowseCategoryAsync(new CategoryBrowseRequest("tents"), default))!.Products;
        return tents.First(t => t.Available > 0 && !list.Contains(t.Sku) && t.Sku != sku);
    }

    /// <summary>A camera whose page shows a bundle of two complements (the generated history makes most of them).</summary>
    private async Task<ProductSummary> CameraWithBundleAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(3000, default);
        var catalog = scope.ServiceProvider.GetRequiredService<ICatalogQueries>();
        var cameras = (await catalog.BrowseCategoryAsync(new CategoryBrowseRequest("cameras-mirrorless"), default))!.Products;
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        foreach (var camera in cameras.Where(c => c.Available > 0))
        {
            var page = await client.GetDocumentAsync($"/p/{camera.Slug}");
            if (page.QuerySelectorAll("section.bought-together input[type=checkbox]").Length == 3) return camera;
        }
        throw new Xunit.Sdk.XunitException("No camera of the demo store shows a bundle of three");
    }
}
