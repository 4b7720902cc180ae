using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Storefront.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>
/// A product page served from the page cache works for a shopper with script (the header fills in
/// their cart) and without it (the form still adds, and the page after it is theirs).
/// </summary>
public sealed class CachedPagesBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    /// <summary>The page of the home page's n-th product, once another visitor has seen it (each test its own: adding to a cart evicts it).</summary>
    private async Task<string> CachedProductPageAsync(int n)
    {
        var home = await app.NewPageAsync();
        await home.GotoAsync("/");
        var slug = (await home.Locator(".product-card a.product-link").Nth(n).GetAttributeAsync("href"))!;
        await home.GotoAsync(slug); // another visitor has seen it: it is in the cache now
        await home.Context.CloseAsync();
        return slug;
    }

    [Fact]
    public async Task A_shopper_with_script_adds_to_cart_from_a_cached_page_and_the_header_counts_it()
    {
        var slug = await CachedProductPageAsync(0);
        var page = await app.NewPageAsync();
        var response = (await page.GotoAsync(slug))!;
        Assert.NotNull(await response.HeaderValueAsync("age")); // served from the cache
        Assert.StartsWith("public", await response.HeaderValueAsync("cache-control"), StringComparison.Ordinal);
        var account = page.GetByRole(AriaRole.Navigation, new() { Name = "Account" });
        await Expect(account.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync(); // filled in by script
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("0");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("to your cart.");
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("1");
        // Back on the shared page, the count still shows: it comes from /api/visitor, not the page.
        await page.GotoAsync(slug);
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("1");
        Assert.Empty(app.CspViolations);
    }

    [Fact]
    public async Task A_double_click_on_add_to_cart_adds_one_and_so_does_one_click_sent_twice()
    {
        var slug = await CachedProductPageAsync(2);
        var page = await app.NewPageAsync();
        await page.GotoAsync(slug);
        var addId = page.Locator("form.add-to-cart input[name=addId]");
        await Expect(addId).ToHaveValueAsync(new Regex("^[0-9a-f]{32}$"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).DblClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("to your cart.");
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("1");

        // The page after the add has a new id; that one click's form, sent twice at once past the
        // button's guard, still adds one.
        await Expect(addId).ToHaveValueAsync(new Regex("^[0-9a-f]{32}$"));
        await page.EvaluateAsync("""
            async () => {
                const form = document.querySelector('form.add-to-cart');
                const body = new URLSearchParams(new FormData(form));
                await Promise.all([1, 2].map(() => fetch(form.action, { method: 'POST', body, redirect: 'manual' })));
            }
            """);
        await page.GotoAsync("/cart");
        await Expect(page.Locator("tr.cart-line input[name=quantity]")).ToHaveValueAsync("2");
        Assert.Empty(app.CspViolations);
    }

    [Fact]
    public async Task A_shopper_without_script_adds_to_cart_from_a_cached_page()
    {
        var slug = await CachedProductPageAsync(1);
        var page = await app.NewPageAsync(javaScript: false);
        var response = (await page.GotoAsync(slug))!;
        Assert.NotNull(await response.HeaderValueAsync("age"));
        var account = page.GetByRole(AriaRole.Navigation, new() { Name = "Account" });
        // The shared header, as served: "Cart" with no count, and the way to the account.
        await Expect(account.GetByRole(AriaRole.Link, new() { Name = "Cart" })).ToHaveTextAsync(new Regex(@"^\s*Cart\s*$"));
        await Expect(account.GetByRole(AriaRole.Link, new() { Name = "Your account" })).ToBeVisibleAsync();

        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Added 2 ×");
        // The page with the shopper's message is made for them, header count included.
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("2");
        await page.GotoAsync("/cart");
        await Expect(page.Locator("tr.cart-line")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "cart-without-script");
    }
}
