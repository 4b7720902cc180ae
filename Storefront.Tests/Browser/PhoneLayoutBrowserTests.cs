using Microsoft.Playwright;
using Storefront.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>On a phone's width and wider, the header's links and search fit the screen, on the header's own background, and stay put as the page's script fills them in.</summary>
public sealed class PhoneLayoutBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("/", 412)]
    [InlineData("/search?q=tent", 412)]
    [InlineData("/", 700)]
    [InlineData("/", 1280)]
    public async Task On_any_screen_the_cart_sign_in_and_search_are_on_screen_nothing_scrolls_sideways_and_nothing_moves(string url, int width)
    {
        var page = await app.NewPageAsync(width: width);
        // Every layout shift the page makes, as the browser reports it (CLS).
        await page.AddInitScriptAsync("""
            window.__shifts = 0;
            window.__moved = [];
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) {
                    if (e.hadRecentInput) continue;
                    window.__shifts += e.value;
                    for (const s of e.sources || [])
                        window.__moved.push(`${e.value.toFixed(3)} at ${Math.round(e.startTime)} ms: ${s.node ? s.node.nodeName + '.' + (s.node.className || '') : '?'} from y ${Math.round(s.previousRect.y)} h ${Math.round(s.previousRect.height)} to y ${Math.round(s.currentRect.y)} h ${Math.round(s.currentRect.height)}`);
                }
            }).observe({ type: 'layout-shift', buffered: true });
            """);
        await page.GotoAsync(url);
        await Expect(page.Locator(".site-header a.mini-cart")).ToBeVisibleAsync();
        // The shared page's script has told the header who this is: the signed-out links show.
        await Expect(page.Locator(".site-header [data-visitor-show='signed-out']").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(300);
        var shifts = await page.EvaluateAsync<double>("() => window.__shifts");
        Assert.True(shifts < 0.01, $"the page moved under the reader as it loaded (layout shift {shifts:0.000}): "
            + string.Join("; ", await page.EvaluateAsync<string[]>("() => window.__moved")));
        var header = (await page.Locator(".site-header").BoundingBoxAsync())!;
        foreach (var selector in new[] { ".site-header a.mini-cart", ".site-header [data-visitor-show='signed-out']:visible >> nth=0", ".site-search input", ".site-search button" })
        {
            var box = (await page.Locator(selector).BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{selector} runs off the screen: {box.X}–{box.X + box.Width} px of {width}");
            Assert.True(box.Y >= header.Y && box.Y + box.Height <= header.Y + header.Height, $"{selector} is outside the header");
        }
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways");
        if (width < 500) await BrowserFixture.ScreenshotAsync(page, "phone-" + (url == "/" ? "home" : "search"));
    }
}
