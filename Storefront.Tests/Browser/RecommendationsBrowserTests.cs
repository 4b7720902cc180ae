using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Storefront.Catalog.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Seeding;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>The demo store with its generated order history, as a shopper sees its recommendations.</summary>
public sealed class RecommendationsBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_shopper_sees_what_goes_with_a_camera_adds_the_bundle_and_the_cart_holds_every_item()
    {
        using (var scope = app.Services.CreateScope())
            Assert.Equal(3000, await scope.ServiceProvider.GetRequiredService<OrderHistorySeeder>().SeedIfEmptyAsync(3000, default));
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

    /// <summary>A camera whose page shows a bundle of two complements (the generated history makes most of them).</summary>
    private async Task<ProductSummary> CameraWithBundleAsync()
    {
        using var scope = app.Services.CreateScope();
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
