using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Orders;
using Storefront.Tests.FlashSale;
using Storefront.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>A flash-sale store (<see cref="FlashSaleFixture"/>) on a real port, with the system Chromium.</summary>
public class ChromiumSaleFixture : FlashSaleFixture
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    protected override bool RealPort => true;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchAsync(playwright);
    }

    public async Task<IPage> NewPageAsync(int timeoutMs = 20_000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(timeoutMs);
        return await context.NewPageAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>The same, with admissions running in the background as in production.</summary>
public sealed class SaleBrowserFixture : ChromiumSaleFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["FlashSale:AdmitInterval"] = "00:00:00.200",
        ["FlashSale:ViewRefresh"] = "00:00:00.200",
    };
}

public sealed class FlashSaleBrowserTests(SaleBrowserFixture store) : IClassFixture<SaleBrowserFixture>
{
    [Fact]
    public async Task A_shopper_waits_watches_the_line_move_is_let_in_buys_and_sees_the_order_and_a_latecomer_sees_sold_out()
    {
        // Four units of a catalog product; three other shoppers are ahead of ours.
        await store.SeedDemoAsync(12);
        var product = (await store.With(sp => sp.GetRequiredService<Storefront.Catalog.Contracts.ICatalogQueries>().GetNewestAsync(12, default)))
            .First(p => p.Available >= 8);
        var sale = await store.ArmedSaleAsync("browser-drop", units: 4, perMinute: 20, startsIn: TimeSpan.FromSeconds(3), sku: product.Sku);
        await store.ShopperAsync("sale.shopper@example.test", "Sale-Shopper-1");

        var page = await store.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync("sale.shopper@example.test");
        await page.GetByLabel("Password").FillAsync("Sale-Shopper-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GotoAsync("/sale/browser-drop");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = product.Title })).ToBeVisibleAsync();
        // Three shoppers get in line just before ours; one is let in every three seconds.
        var wait = sale.StartsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var ahead = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 3; i++) ahead.Add(($"u:ahead-{i}", (await store.JoinAsync(sale, $"u:ahead-{i}")).Pass!));
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Join the line" }).ClickAsync();

        var message = page.Locator("[data-sale-message]");
        await Expect(message).ToHaveTextAsync(new Regex(@"You are #\d in line"));
        var first = await message.TextContentAsync();
        await BrowserFixture.ScreenshotAsync(page, "flash-sale-waiting");
        // The place moves without a reload as the shoppers ahead are let in, then it is our turn.
        await Expect(message).Not.ToHaveTextAsync(first!, new() { Timeout = 15_000 });
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Buy now" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(message).ToHaveTextAsync("It is your turn: you can buy now.");

        await page.GetByRole(AriaRole.Link, new() { Name = "Buy now" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync("sale.shopper@example.test");
        await page.GetByLabel("Full name").FillAsync("Sam Sale");
        await page.GetByLabel("Street address").FillAsync("12 Pine Avenue");
        await page.GetByLabel("City").FillAsync("Seattle");
        await page.GetByLabel("State or province code").FillAsync("WA");
        await page.GetByLabel("Postal code").FillAsync("98101");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Confirm and pay") }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Order confirmed" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-purchase-waiting]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "flash-sale-confirmed");
        // The order job (a Hangfire job in production) makes the order; the page fills in by itself.
        var purchaseId = Guid.Parse(page.Url.Split('/')[^1]);
        await store.Services.GetRequiredService<PurchaseOrderJob>().RunAsync(purchaseId, default);
        await Expect(page.Locator("[data-order-number]")).ToHaveTextAsync(new Regex("^SF-"), new() { Timeout = 15_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "See your order" }).ClickAsync();
        await Expect(page.GetByText("Sam Sale")).ToBeVisibleAsync();

        // The three ahead buy the rest: sold out.
        foreach (var (customer, pass) in ahead) Assert.Equal(PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, pass, customer)).Outcome);
        var latecomer = await store.NewPageAsync();
        await latecomer.GotoAsync("/sale/browser-drop");
        await Expect(latecomer.GetByText("Sold out: every unit of this sale has been claimed.")).ToBeVisibleAsync();
        await Expect(latecomer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Join") })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(latecomer, "flash-sale-sold-out");
    }
}
