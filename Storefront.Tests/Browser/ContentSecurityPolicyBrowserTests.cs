using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>The pages' own scripts keep working under the Content-Security-Policy, and none is refused.</summary>
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_shopper_and_the_merchant_use_the_scripted_pages_without_any_policy_violation()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        // Suggestions are fetched by autocomplete.js.
        await page.Locator("#site-search-q").PressSequentiallyAsync("head", new() { Delay = 50 });
        await Expect(page.Locator("#site-search-suggestions li").First).ToBeVisibleAsync();
        await page.Locator("#site-search-q").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/search\\?q=head"));
        // The sort menu applies itself (auto-submit.js, not an inline handler).
        await page.GetByLabel("Sort by").SelectOptionAsync("price-asc");
        await Expect(page).ToHaveURLAsync(new Regex("sort=price-asc"));

        await page.Locator(".product-card a").First.ClickAsync();
        await Expect(page.Locator(".buy-box .price")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".cart-count")).Not.ToHaveTextAsync("0");
        await page.Locator(".mini-cart").ClickAsync();
        // countdown.js fills in the hold timer.
        await Expect(page.Locator(".held").First).ToContainTextAsync("Held for you for");

        var merchant = await app.NewPageAsync();
        await merchant.GotoAsync("/account/login");
        await merchant.GetByLabel("E-mail").FillAsync(AdminBootstrapper.DemoEmail);
        await merchant.GetByLabel("Password").FillAsync(AdminBootstrapper.DemoPassword);
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await merchant.GotoAsync("/admin/jobs");
        await Expect(merchant.Locator("body")).ToContainTextAsync("Storefront jobs");
        await merchant.GotoAsync("/admin/categories");
        await merchant.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(app.CspViolations);
    }
}
