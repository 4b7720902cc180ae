using System.Net;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Forms;

namespace Storefront.Tests.FlashSale;

public sealed class SalePagesFixture : StoreFixture
{
    public const string Sku = "PAGE-1";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed(Sku, 60m, "USD", 40), default);
    }
}

/// <summary>The merchant's sale pages over HTTP: messages beside the fields, nothing saved on a refusal, a good sale listed and armed.</summary>
public sealed class SalePagesTests(SalePagesFixture store) : IClassFixture<SalePagesFixture>
{
    private static string MessageFor(IDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent ?? throw new Xunit.Sdk.XunitException($"No message beside {field}.");

    private static Dictionary<string, string> Form(string slug, string price, DateTimeOffset? startsAt = null)
    {
        var start = startsAt ?? DateTimeOffset.UtcNow.AddDays(1);
        return new()
        {
            ["Input.Slug"] = slug, ["Input.Sku"] = SalePagesFixture.Sku, ["Input.Units"] = "10", ["Input.Price"] = price,
            ["Input.StartsAt"] = FormTimes.Field(start), ["Input.EndsAt"] = FormTimes.Field(start.AddHours(1)),
            ["Input.LimitPerCustomer"] = "1", ["Input.AdmissionPerMinute"] = "600", ["Input.PurchaseWindowMinutes"] = "5",
        };
    }

    private static async Task<(IDocument Page, HttpResponseMessage Response)> PostAsync(HttpClient client, string url, string formPage, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(formPage));
        var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        return (await Html.ParseAsync(await response.Content.ReadAsStringAsync()), response);
    }

    private async Task<int> SalesAsync()
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IFlashSaleAdmin>().ListAsync(500, default)).Count;
    }

    [Theory]
    [InlineData("0", "The sale price must be more than 0, with at most two decimals.")]
    [InlineData("abc", "Enter the price as a number such as 19.99.")]
    [InlineData("-3", "A price cannot be negative.")]
    public async Task A_bad_price_is_shown_beside_the_field_and_creates_nothing(string price, string message)
    {
        var client = await store.AdminClientAsync();
        var before = await SalesAsync();

        var (page, response) = await PostAsync(client, "/admin/sales/new", "/admin/sales/new", Form("bad-price-" + before, price));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(message, MessageFor(page, "Input.Price"));
        Assert.Equal(price, page.QuerySelector("#Input_Price")!.GetAttribute("value"));
        Assert.Equal(before, await SalesAsync());
    }

    [Fact]
    public async Task A_start_in_the_past_and_an_unreadable_limit_are_shown_beside_their_fields()
    {
        var client = await store.AdminClientAsync();
        var pastStart = Form("past-start", "10.00", DateTimeOffset.UtcNow.AddHours(-2));
        var (page, _) = await PostAsync(client, "/admin/sales/new", "/admin/sales/new", pastStart);
        Assert.Equal("The sale must start in the future.", MessageFor(page, "Input.StartsAt"));

        var badLimit = Form("bad-limit", "10.00");
        badLimit["Input.LimitPerCustomer"] = "two";
        (page, _) = await PostAsync(client, "/admin/sales/new", "/admin/sales/new", badLimit);
        Assert.Equal("Enter a whole number for the limit per customer.", MessageFor(page, "Input.LimitPerCustomer"));
        Assert.Equal(0, await SalesAsync());
    }

    [Fact]
    public async Task A_good_sale_is_created_shown_on_its_own_page_listed_and_armed_from_the_list()
    {
        var client = await store.AdminClientAsync();

        var (created, response) = await PostAsync(client, "/admin/sales/new", "/admin/sales/new", Form("friday-drop", "39.50", DateTimeOffset.UtcNow.AddDays(3)));

        var salePage = response.RequestMessage!.RequestUri!.AbsolutePath;
        Assert.Matches("^/admin/sales/[0-9a-f-]{36}$", salePage);
        Assert.Equal("Sale friday-drop created as a draft: arm it to set its units aside.", created.QuerySelector("[role=status]")!.TextContent);
        Assert.Equal("Draft", created.QuerySelector("#sale-status")!.TextContent);
        var list = await client.GetDocumentAsync("/admin/sales");
        var row = list.QuerySelectorAll("#sales tbody tr").Single(r => r.QuerySelector("td")!.TextContent == "friday-drop");
        Assert.Equal(salePage, row.QuerySelector("td a")!.GetAttribute("href"));
        Assert.Contains("Draft", row.TextContent, StringComparison.Ordinal);
        var arm = row.QuerySelector("form")!.GetAttribute("action")!;
        Assert.StartsWith("/admin/sales?", arm, StringComparison.Ordinal);
        Assert.Contains("handler=Arm", arm, StringComparison.Ordinal);

        var (armed, _) = await PostAsync(client, arm, "/admin/sales", []);

        Assert.Contains("Armed", armed.QuerySelectorAll("#sales tbody tr").Single(r => r.QuerySelector("td")!.TextContent == "friday-drop").TextContent, StringComparison.Ordinal);
        using var scope = store.Services.CreateScope();
        Assert.Equal(30, (await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync(SalePagesFixture.Sku, default))!.OnHand);
    }
}
