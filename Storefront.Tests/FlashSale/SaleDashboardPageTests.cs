using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Orders;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

public sealed class SaleDashboardFixture : FlashSaleFixture;

/// <summary>
/// The merchant's live sale page over HTTP: the numbers rendered and as JSON (for admins only), the
/// buttons that pause, resume, end and return unsold units, refusals in words that change nothing,
/// and returns clicked at once that give the units back once.
/// </summary>
public sealed class SaleDashboardPageTests(SaleDashboardFixture store) : IClassFixture<SaleDashboardFixture>
{
    private static string Stat(IDocument page, string name) =>
        page.QuerySelector($"[data-stat='{name}']")?.TextContent ?? throw new Xunit.Sdk.XunitException($"No number {name} on the page.");

    private static string? Notice(IDocument page) => page.QuerySelector("p.flash[role=status]")?.TextContent;

    private static string? Refusal(IDocument page) => page.QuerySelector("p.flash[role=alert]")?.TextContent;

    /// <summary>Presses the page's button for <paramref name="handler"/> (it must be shown) and returns the page it leads back to.</summary>
    private static async Task<IDocument> ClickAsync(HttpClient client, SaleSummary sale, string handler)
    {
        var html = await client.GetStringAsync($"/admin/sales/{sale.Id}");
        var form = (await Html.ParseAsync(html)).QuerySelector($"form[action*='handler={handler}']")
            ?? throw new Xunit.Sdk.XunitException($"No {handler} button on the page.");
        return await PostAsync(client, form.GetAttribute("action")!, Html.AntiforgeryToken(html));
    }

    /// <summary>Posts to a handler whether or not the page shows its button (another merchant's page may still show it).</summary>
    private static async Task<IDocument> PostAsync(HttpClient client, string action, string token)
    {
        var response = await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Html.ParseAsync(await response.Content.ReadAsStringAsync());
    }

    private async Task<string> TokenAsync(HttpClient client, SaleSummary sale) => Html.AntiforgeryToken(await client.GetStringAsync($"/admin/sales/{sale.Id}"));

    private Task<SaleSummary> SaleAsync(SaleSummary sale) => store.Admin(async a => (await a.GetAsync(sale.Id, default))!);

    private Task<long> OnHandAsync(SaleSummary sale) => store.CountAsync($"SELECT on_hand FROM inventory.stock_items WHERE sku = '{sale.Sku}'");

    private Task RunOrderAsync(Guid purchase) => store.Services.GetRequiredService<PurchaseOrderJob>().RunAsync(purchase, default);

    /// <summary>Joins <paramref name="count"/> shoppers and runs one admission step.</summary>
    private async Task<List<(string Customer, string Pass)>> JoinAsync(SaleSummary sale, int count)
    {
        var joined = new List<(string, string)>();
        for (var i = 0; i < count; i++) joined.Add(($"u:{sale.Slug}-{i}", (await store.JoinAsync(sale, $"u:{sale.Slug}-{i}")).Pass!));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        return joined;
    }

    private async Task<SaleSummary> RunningSaleAsync(string slug, int units)
    {
        var sale = await store.ArmedSaleAsync(slug, units, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        return sale;
    }

    [Fact]
    public async Task The_page_and_its_stats_show_the_live_numbers_of_a_running_sale()
    {
        var sale = await RunningSaleAsync("dash-live", units: 2);
        var shoppers = await JoinAsync(sale, 3);
        var states = await Task.WhenAll(shoppers.Select(s => store.StatusAsync(sale, s.Pass, s.Customer)));
        var admitted = shoppers.Where((_, i) => states[i].Place!.State == ShopperState.Admitted).ToList();
        var waiter = shoppers.Single(s => !admitted.Contains(s));
        var bought = await store.BuyAsync(sale, admitted[0].Pass, admitted[0].Customer);
        Assert.Equal(PurchaseOutcome.Confirmed, bought.Outcome);
        await RunOrderAsync(bought.PurchaseId!.Value);
        Assert.NotEqual(PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, admitted[0].Pass, admitted[0].Customer)).Outcome); // over the limit
        Assert.NotEqual(PurchaseOutcome.Confirmed, (await store.BuyAsync(sale, waiter.Pass, waiter.Customer)).Outcome); // not admitted
        var client = await store.AdminClientAsync();

        var page = await client.GetDocumentAsync($"/admin/sales/{sale.Id}");

        var expected = new Dictionary<string, string>
        {
            ["waiting"] = "1", ["admitted"] = "2", ["buyingNow"] = "1", ["sold"] = "1", ["claimed"] = "1", ["remaining"] = "1",
            ["gaveUp"] = "0", ["timedOut"] = "0", ["declined"] = "0", ["admittedLastMinute"] = "2", ["admissionPerMinute"] = "100,000",
            ["ordersProcessing"] = "0", ["refused.over-limit"] = "1", ["refused.not-admitted"] = "1", ["refused.sold-out"] = "0",
            ["refused.forged-pass"] = "0", ["refused.expired-pass"] = "0", ["refused.borrowed-pass"] = "0", ["phaseText"] = "Live",
        };
        Assert.Equal(expected, expected.Keys.ToDictionary(k => k, k => Stat(page, k)));
        Assert.Null(page.QuerySelector("#counters-missing:not([hidden])"));
        Assert.Equal($"/sale/{sale.Slug}", page.QuerySelector("#shopper-page")!.GetAttribute("href"));
        Assert.Equal(sale.Sku, page.QuerySelectorAll("#sale-settings tr").Single(r => r.QuerySelector("th")!.TextContent == "SKU").QuerySelector("td")!.TextContent);
        Assert.NotNull(page.QuerySelector($"form[action='/admin/sales/{sale.Id}?handler=Pause']"));
        Assert.NotNull(page.QuerySelector($"form[action='/admin/sales/{sale.Id}?handler=End']"));
        Assert.Null(page.QuerySelector("form[action*='handler=Return']"));
        var live = page.QuerySelector("#sale-live")!;
        Assert.Equal($"/admin/sales/{sale.Id}?handler=Stats", live.GetAttribute("data-stats-url"));
        Assert.Equal("pause end", live.GetAttribute("data-actions"));
        Assert.StartsWith("/js/sale-dashboard.js", page.QuerySelector("script[src*='sale-dashboard']")!.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal("1", page.QuerySelector("[data-check='orders']")!.TextContent);

        using var stats = JsonDocument.Parse(await client.GetStringAsync($"/admin/sales/{sale.Id}?handler=Stats"));
        var json = stats.RootElement;
        Assert.Equal((1L, 2L, 1L, 1L, 1L, 1L), (json.GetProperty("waiting").GetInt64(), json.GetProperty("admitted").GetInt64(),
            json.GetProperty("buyingNow").GetInt64(), json.GetProperty("sold").GetInt64(), json.GetProperty("claimed").GetInt64(), json.GetProperty("remaining").GetInt64()));
        Assert.Equal((1L, 1L, 0L), (json.GetProperty("refused").GetProperty("over-limit").GetInt64(),
            json.GetProperty("refused").GetProperty("not-admitted").GetInt64(), json.GetProperty("refused").GetProperty("sold-out").GetInt64()));
        Assert.Equal((2L, 100_000, false), (json.GetProperty("admittedLastMinute").GetInt64(), json.GetProperty("admissionPerMinute").GetInt32(),
            json.GetProperty("countersMissing").GetBoolean()));
        Assert.Equal(("Live", "pause end"), (json.GetProperty("phase").GetString(), json.GetProperty("actions").GetString()));
    }

    [Fact]
    public async Task Missing_counters_are_shown_as_a_warning()
    {
        // Not open yet, so the admission loop leaves its counters alone: missing until a shopper looks.
        var sale = await store.ArmedSaleAsync("dash-flushed", units: 2, startsIn: TimeSpan.FromHours(2));
        await store.FlushRedisAsync();
        var client = await store.AdminClientAsync();

        using var stats = JsonDocument.Parse(await client.GetStringAsync($"/admin/sales/{sale.Id}?handler=Stats"));

        Assert.True(stats.RootElement.GetProperty("countersMissing").GetBoolean());
        var page = await client.GetDocumentAsync($"/admin/sales/{sale.Id}");
        Assert.NotNull(page.QuerySelector("#counters-missing:not([hidden])"));
        Assert.Contains("The sale's counters are no longer in Redis", page.QuerySelector("#findings")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stats_are_refused_to_visitors_and_shoppers()
    {
        var sale = await RunningSaleAsync("dash-private", units: 1);
        var url = $"/admin/sales/{sale.Id}?handler=Stats";

        var anonymous = await store.Client(followRedirects: false).GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        using var script = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { "X-Requested-With", "XMLHttpRequest" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await store.Client(followRedirects: false).SendAsync(script)).StatusCode);

        var shopper = store.Client();
        var email = $"dash-{Guid.NewGuid():N}@example.test";
        await store.ShopperAsync(email, "Sale-Shopper-2024");
        await StoreFixture.SignInAsync(shopper, email, "Sale-Shopper-2024");
        var refused = await shopper.GetAsync(url);
        Assert.Equal("/account/access-denied", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("\"waiting\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var shopperScript = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { "X-Requested-With", "XMLHttpRequest" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.SendAsync(shopperScript)).StatusCode);
    }

    [Fact]
    public async Task A_draft_is_armed_from_its_page()
    {
        await store.With(async sp =>
        {
            await sp.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed("DASH-DRAFT", 30m, "USD", 5), default);
            return true;
        });
        var created = await store.Admin(a => a.CreateAsync(new SaleInput("dash-draft", "DASH-DRAFT", 1, 20m,
            store.Clock.GetUtcNow().AddDays(2), store.Clock.GetUtcNow().AddDays(2).AddHours(1), 500), default));
        var sale = (await store.Admin(a => a.GetAsync(created.Value, default)))!;
        var client = await store.AdminClientAsync();
        var page = await client.GetDocumentAsync($"/admin/sales/{sale.Id}");
        Assert.Equal(("Upcoming", "Draft"), (Stat(page, "phaseText"), page.QuerySelector("#sale-status")!.TextContent));
        Assert.Null(page.QuerySelector("form[action*='handler=Pause']"));

        var refused = await PostAsync(client, $"/admin/sales/{sale.Id}?handler=Pause", await TokenAsync(client, sale));
        Assert.Equal("The sale is not armed yet: arm it first.", Refusal(refused));
        Assert.False((await SaleAsync(sale)).Paused);

        var armed = await ClickAsync(client, sale, "Arm");

        Assert.Equal("Sale armed: its units are set aside from normal stock.", Notice(armed));
        Assert.Equal("Armed", armed.QuerySelector("#sale-status")!.TextContent);
        Assert.Equal(SaleStatus.Armed, (await SaleAsync(sale)).Status);
    }

    [Fact]
    public async Task Pause_resume_end_and_return_work_from_the_page_and_a_refused_one_shows_its_words_and_changes_nothing()
    {
        var sale = await RunningSaleAsync("dash-buttons", units: 3);
        var client = await store.AdminClientAsync();
        var stockBefore = await OnHandAsync(sale);

        var early = await PostAsync(client, $"/admin/sales/{sale.Id}?handler=Return", await TokenAsync(client, sale));
        Assert.Equal("The sale is not over yet: end it first.", Refusal(early));
        Assert.Equal((SaleStatus.Armed, 0, stockBefore), ((await SaleAsync(sale)).Status, (await SaleAsync(sale)).Returned, await OnHandAsync(sale)));

        var paused = await ClickAsync(client, sale, "Pause");
        Assert.StartsWith("Sale paused", Notice(paused), StringComparison.Ordinal);
        Assert.Equal(("Paused", "Armed, paused"), (Stat(paused, "phaseText"), paused.QuerySelector("#sale-status")!.TextContent));
        Assert.Null(paused.QuerySelector("form[action*='handler=Pause']"));
        Assert.Equal("The sale was already paused.", Notice(await PostAsync(client, $"/admin/sales/{sale.Id}?handler=Pause", await TokenAsync(client, sale))));

        var resumed = await ClickAsync(client, sale, "Resume");
        Assert.Equal("Sale resumed: shoppers are let in again.", Notice(resumed));
        Assert.False((await SaleAsync(sale)).Paused);
        var (customer, pass) = (await JoinAsync(sale, 1))[0];
        var bought = await store.BuyAsync(sale, pass, customer);

        var ended = await ClickAsync(client, sale, "End");
        Assert.StartsWith("Sale ended", Notice(ended), StringComparison.Ordinal);
        Assert.Equal("Ended", Stat(ended, "phaseText"));
        Assert.Null(ended.QuerySelector("form[action*='handler=End']"));
        Assert.Equal("The sale has already ended.", Refusal(await PostAsync(client, $"/admin/sales/{sale.Id}?handler=Resume", await TokenAsync(client, sale))));

        // Its one order is still being made: nothing goes back yet.
        var waiting = await ClickAsync(client, sale, "Return");
        Assert.Equal("Orders of this sale are still being made (1); try again when they are done.", Refusal(waiting));
        Assert.Equal((0, stockBefore), ((await SaleAsync(sale)).Returned, await OnHandAsync(sale)));

        await RunOrderAsync(bought.PurchaseId!.Value);
        var returned = await ClickAsync(client, sale, "Return");

        Assert.Equal("2 unsold units went back to normal stock.", Notice(returned));
        Assert.Equal(stockBefore + 2, await OnHandAsync(sale));
        Assert.Null(returned.QuerySelector("form[action*='handler=Return']"));
        Assert.Equal(("1", "0", "2"), (returned.QuerySelector("[data-check='orders']")!.TextContent,
            returned.QuerySelector("[data-check='unsold']")!.TextContent, returned.QuerySelector("[data-check='returned']")!.TextContent));
        Assert.NotNull(returned.QuerySelector("#balanced"));
    }

    [Fact]
    public async Task Four_returns_posted_at_once_give_the_unsold_units_back_once()
    {
        var sale = await RunningSaleAsync("dash-race", units: 4);
        await store.Admin(a => a.EndAsync(sale.Id, "merchant", default));
        var client = await store.AdminClientAsync();
        var token = await TokenAsync(client, sale);
        var stockBefore = await OnHandAsync(sale);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => client.PostAsync($"/admin/sales/{sale.Id}?handler=Return",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))));

        // Each lands back on the sale's page (which of them tells which words is up to the shared cookie jar).
        Assert.All(responses, r => Assert.Equal((HttpStatusCode.OK, $"/admin/sales/{sale.Id}"), (r.StatusCode, r.RequestMessage!.RequestUri!.AbsolutePath)));
        Assert.Equal(stockBefore + 4, await OnHandAsync(sale));
        Assert.Equal(1, await store.CountAsync($"SELECT count(*) FROM inventory.stock_ledger WHERE sku = '{sale.Sku}' AND reason = 'Flash sale unsold'"));
        Assert.Equal(4, (await SaleAsync(sale)).Returned);
    }
}
