using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

/// <summary>
/// The demo store. Its host runs no Hangfire server (Hangfire keeps its storage in a static, shared by
/// every host of the test process): the tests run the job the Apply button queued themselves.
/// </summary>
public sealed class ImportStoreFixture : StoreFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(48);
    }
}

public sealed class ProductImportPagesTests(ImportStoreFixture store) : IClassFixture<ImportStoreFixture>
{
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient admin, string csv, string name = "products.csv")
    {
        var token = Html.AntiforgeryToken(await admin.GetStringAsync("/admin/products/import"));
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", name);
        content.Add(new StringContent(token), "__RequestVerificationToken");
        return await admin.PostAsync("/admin/products/import", content);
    }

    private async Task<SkuStock> StockAsync(string sku)
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync(sku, default))!;
    }

    [Fact]
    public async Task A_merchant_imports_a_file_sees_what_it_changes_applies_it_once_and_shoppers_see_the_new_product()
    {
        var admin = await store.AdminClientAsync();
        var products = await Html.ParseAsync(await admin.GetStringAsync("/admin/products"));
        var sku = products.QuerySelector("table.data tbody td")!.TextContent.Trim();
        var before = await StockAsync(sku);

        // A file with a problem: listed by line, nothing changed.
        var refused = await UploadAsync(admin, "sku,title,brand,category,price\r\nIMP-1,Camp Lantern,Lumen,nowhere,12.00\r\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problems = await Html.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Nothing was changed.", problems.QuerySelector("#import-problems")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["2", "category"], problems.QuerySelectorAll("#import-problems tbody tr td").Take(2).Select(td => td.TextContent));

        // The same file put right: the preview lists the changes, and nothing has changed yet.
        var csv = "sku,title,brand,category,price,on_hand,published\r\n"
            + "IMP-1,Camp Lantern,Lumen,tents,12.00,40,true\r\n"
            + $"{sku},,,,{before.Price.Amount + 2m:0.00},,\r\n";
        var checkedFile = await UploadAsync(admin, csv, "lanterns.csv");
        Assert.Matches("^/admin/products/import/[0-9a-f-]{36}$", checkedFile.RequestMessage!.RequestUri!.AbsolutePath);
        var previewUrl = checkedFile.RequestMessage.RequestUri.AbsolutePath;
        var preview = await Html.ParseAsync(await checkedFile.Content.ReadAsStringAsync());
        Assert.Equal(("1", "1", "Waiting to be applied"), (preview.QuerySelector("#import-creates")!.TextContent, preview.QuerySelector("#import-updates")!.TextContent,
            preview.QuerySelector("#import-status")!.TextContent));
        var listed = string.Join(" ", preview.QuerySelector("#import-rows")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"price: {before.Price.Amount:0.00} → {before.Price.Amount + 2m:0.00}", listed, StringComparison.Ordinal);
        Assert.Equal("Apply 2 changes", preview.QuerySelector("#apply-import button")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync("/p/camp-lantern")).StatusCode);

        // Two presses at once (a double click, two merchants): one applies it, the other is told.
        var token = Html.AntiforgeryToken(await checkedFile.Content.ReadAsStringAsync());
        var second = await store.AdminClientAsync();
        var secondToken = Html.AntiforgeryToken(await second.GetStringAsync(previewUrl));
        var presses = await Task.WhenAll(
            admin.PostAsync(previewUrl + "?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })),
            second.PostAsync(previewUrl + "?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = secondToken })));
        var told = await Task.WhenAll(presses.Select(async p => (await Html.ParseAsync(await p.Content.ReadAsStringAsync())).Body!.TextContent));
        Assert.Single(told, t => t.Contains("The import is being applied.", StringComparison.Ordinal));
        Assert.Single(told, t => t.Contains("This import has already been applied", StringComparison.Ordinal));

        // While the background job has not run, the page says so and reloads itself; then it says Applied.
        var waiting = await admin.GetAsync(previewUrl);
        Assert.Equal("2", waiting.Headers.GetValues("Refresh").Single());
        Assert.Equal("Applying: 0 of 2", (await Html.ParseAsync(await waiting.Content.ReadAsStringAsync())).QuerySelector("#import-status")!.TextContent);
        await store.Services.GetRequiredService<Storefront.Catalog.Transfer.ProductImportJob>().RunAsync(Guid.Parse(previewUrl.Split('/').Last()), default);
        var done = await admin.GetAsync(previewUrl);
        Assert.False(done.Headers.Contains("Refresh"));
        Assert.Equal("Applied", (await Html.ParseAsync(await done.Content.ReadAsStringAsync())).QuerySelector("#import-status")!.TextContent);
        Assert.Equal(before.Price.Amount + 2m, (await StockAsync(sku)).Price.Amount);
        Assert.Equal(before.OnHand, (await StockAsync(sku)).OnHand);
        await store.DrainOutboxAsync();
        var page = await Html.ParseAsync(await store.Client().GetStringAsync("/p/camp-lantern"));
        Assert.Equal("Camp Lantern", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains("$12.00", page.Body!.TextContent, StringComparison.Ordinal);

        // The imports page lists it.
        var list = await Html.ParseAsync(await admin.GetStringAsync("/admin/products/import"));
        Assert.Contains(list.QuerySelectorAll("#recent-imports tbody tr"), tr => tr.TextContent.Contains("lanterns.csv", StringComparison.Ordinal) && tr.TextContent.Contains("Applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_products_download_as_csv_for_merchants_only()
    {
        var admin = await store.AdminClientAsync();
        var response = await admin.GetAsync("/admin/products?handler=Csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("sku,title,slug,brand,category,price,on_hand,published,description", text, StringComparison.Ordinal);
        Assert.True(text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length > 48);

        var anonymous = await store.Client(followRedirects: false).GetAsync("/admin/products?handler=Csv");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_file_with_no_file_or_an_unreadable_file_is_told_so()
    {
        var admin = await store.AdminClientAsync();
        var token = Html.AntiforgeryToken(await admin.GetStringAsync("/admin/products/import"));
        using (var empty = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } })
        {
            var none = await admin.PostAsync("/admin/products/import", empty);
            Assert.Contains("Choose a CSV file to import.", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Latin-1 bytes (a spreadsheet's "CSV" in an old encoding): asked to save as UTF-8.
        var latin1 = new byte[] { (byte)'s', (byte)'k', (byte)'u', (byte)'\n', (byte)'A', 0xE9, (byte)'\n' };
        var token2 = Html.AntiforgeryToken(await admin.GetStringAsync("/admin/products/import"));
        using var content = new MultipartFormDataContent { { new ByteArrayContent(latin1), "file", "old.csv" }, { new StringContent(token2), "__RequestVerificationToken" } };
        var refused = await admin.PostAsync("/admin/products/import", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var page = await Html.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Save it from your spreadsheet as \"CSV UTF-8\".", page.QuerySelector("#import-problems")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_with_a_page_not_an_error()
    {
        var admin = await store.AdminClientAsync();
        var big = "sku,title\r\n" + string.Concat(Enumerable.Repeat("A-1," + new string('x', 1000) + "\r\n", 9 * 1024 + 100));
        var response = await UploadAsync(admin, big);
        Assert.True((int)response.StatusCode is 413 or 422, $"{(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            var page = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
            Assert.Contains("The file is larger than 8 MB.", page.QuerySelector("#import-problems")!.TextContent, StringComparison.Ordinal);
        }
    }
}
