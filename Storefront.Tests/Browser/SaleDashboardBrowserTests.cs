using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Orders;
using Storefront.Tests.FlashSale;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>
/// A flash-sale store on a real port with the system Chromium. Admissions are stepped by the test and
/// run only every ten seconds in the background (<see cref="FlashSaleFixture"/>), so the numbers the
/// test waits for change only when the test changes them.
/// </summary>
public sealed class SaleDashboardBrowserFixture : ChromiumSaleFixture;

/// <summary>The merchant's live sale page in a browser: the numbers follow the sale without a reload, and the buttons follow its state.</summary>
public sealed class SaleDashboardBrowserTests(SaleDashboardBrowserFixture store) : IClassFixture<SaleDashboardBrowserFixture>
{
    [Fact]
    public async Task The_dashboard_updates_its_numbers_without_reloading_and_reloads_for_new_buttons()
    {
        var sale = await store.ArmedSaleAsync("dashboard-drop", units: 40, perMinute: 600, startsIn: TimeSpan.FromSeconds(2), price: 79m);
        store.StartSale(sale);
        var shoppers = new List<(string Customer, string Pass)>();
        for (var i = 0; i < 30; i++) shoppers.Add(($"u:browser-{i}", (await store.JoinAsync(sale, $"u:browser-{i}")).Pass!));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        var states = await Task.WhenAll(shoppers.Select(s => store.StatusAsync(sale, s.Pass, s.Customer)));
        var admitted = shoppers.Where((_, i) => states[i].Place!.State == ShopperState.Admitted).ToList();
        var waiter = shoppers.First(s => !admitted.Contains(s));
        foreach (var (customer, pass) in admitted.Take(4))
        {
            var bought = await store.BuyAsync(sale, pass, customer);
            await store.Services.GetRequiredService<PurchaseOrderJob>().RunAsync(bought.PurchaseId!.Value, default);
        }
        await store.BuyAsync(sale, admitted[4].Pass, admitted[4].Customer);

        var page = await store.NewPageAsync(timeoutMs: 15_000);
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(message.Text); };
        await page.GotoAsync($"/admin/sales/{sale.Id}");
        await page.GetByLabel("E-mail").FillAsync(AdminBootstrapper.DemoEmail);
        await page.GetByLabel("Password").FillAsync(AdminBootstrapper.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/sales/{sale.Id}$"));
        await Expect(page.Locator("[data-stat='sold']").First).ToHaveTextAsync("4");
        await Expect(page.Locator("[data-live='on']")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        // Refused while the page is open: the next poll shows it.
        Assert.NotEqual(PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, waiter.Pass, waiter.Customer)).Outcome);
        await Expect(page.Locator("[data-stat='refused.not-admitted']")).ToHaveTextAsync("1");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        await BrowserFixture.ScreenshotAsync(page, "admin-sale-dashboard");

        // Another merchant ends the sale: the page reloads to offer the return of unsold units.
        await store.Admin(a => a.EndAsync(sale.Id, "other-merchant", default));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Return unsold units to stock" })).ToBeVisibleAsync();
        await Expect(page.Locator("h1 [data-stat='phaseText']")).ToHaveTextAsync("Ended");
        Assert.False(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }
}
