using Microsoft.Playwright;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// The app on a real Kestrel port with the demo catalog, driven by the system Chromium through
/// Playwright. Screenshots land in TestResults/screenshots beside the test binaries.
/// </summary>
public sealed class BrowserFixture : StoreFixture
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Every Content-Security-Policy violation any page of this fixture reported in its console.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    protected override bool RealPort => true;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(240);
        await BuildSearchIndexAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    /// <summary>The system Chromium, headless (STOREFRONT_CHROMIUM names another).</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("STOREFRONT_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <param name="javaScript">False: a browser with script turned off.</param>
    /// <param name="width">The window's width in CSS pixels (a phone's is about 400).</param>
    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            JavaScriptEnabled = javaScript,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) CspViolations.Enqueue($"{page.Url}: {message.Text}");
        };
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    public new async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
