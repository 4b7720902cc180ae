using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Catalog.Transfer;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Catalog;

/// <summary>Products from a CSV file: checked whole, previewed as changes, applied once, and never undoing what changed meanwhile.</summary>
public sealed class ProductImportTests(StoreFixture store) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private static readonly System.Text.Json.JsonSerializerOptions PlanJson = new(System.Text.Json.JsonSerializerDefaults.Web);
    private const string Header = "sku,title,brand,category,price,on_hand,published,attribute:shoe_size\r\n";

    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        await store.SeedDemoAsync(48);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<ImportCheckResult> CheckAsync(string csv, string name = "products.csv") => With(sp =>
        sp.GetRequiredService<IProductFiles>().CheckAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(csv)), "merchant@example.test", default));

    private Task<ProductImportView> ViewAsync(Guid id) => With(async sp => (await sp.GetRequiredService<IProductFiles>().GetAsync(id, 500, default))!);

    private async Task<ProductImportView> ApplyAsync(Guid id)
    {
        Assert.Equal(ImportStartOutcome.Started, await With(sp => sp.GetRequiredService<IProductFiles>().StartAsync(id, "merchant@example.test", default)));
        await store.Services.GetRequiredService<ProductImportJob>().RunAsync(id, default);
        return await ViewAsync(id);
    }

    private Task<SkuStock?> StockAsync(string sku) => With(sp => sp.GetRequiredService<IPricesAndStock>().GetAsync(sku, default));

    private async Task<ProductForEdit?> ProductAsync(string sku) => await With(async sp =>
    {
        var admin = sp.GetRequiredService<ICatalogAdmin>();
        return (await admin.ProductsBySkuAsync([sku], default)).TryGetValue(sku, out var row) ? await admin.GetProductForEditAsync(row.Id, default) : null;
    });

    private async Task<string> SomeShoeSkuAsync(int skip = 0) => await With(async sp =>
    {
        var admin = sp.GetRequiredService<ICatalogAdmin>();
        var shoes = (await admin.ListCategoriesAsync(default)).Single(c => c.Slug == "men-shoes").Id;
        return (await admin.ListProductsAsync(new AdminProductQuery(CategoryId: shoes), default)).Items.Skip(skip).First().Sku;
    });

    private async Task<string> ExportAsync()
    {
        using var output = new MemoryStream();
        await With(async sp => { await sp.GetRequiredService<IProductFiles>().ExportAsync(output, default); return 0; });
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private Task<int> ProductCountAsync() => With(sp => sp.GetRequiredService<CatalogDbContext>().Products.CountAsync());

    [Fact]
    public async Task A_file_with_problems_lists_each_by_line_and_column_and_changes_nothing()
    {
        var existing = await SomeShoeSkuAsync();
        var before = (await ProductCountAsync(), await StockAsync(existing));
        var csv = Header
            + "NEW-1,Good Shoe,Stride,men-shoes,49.99,5,true,10\r\n"       // fine on its own
            + "NEW-2,Bad Price,Stride,men-shoes,12.345,5,true,10\r\n"      // three decimals
            + "NEW-3,No Such,Stride,Garden › Gnomes,10,5,true,\r\n"       // unknown category
            + "NEW-1,Twice,Stride,men-shoes,10,5,true,10\r\n"             // SKU again
            + $"{existing},,,,,-4,maybe,99\r\n"                          // (empty cells keep) negative count, bad flag, size not offered
            + "NEW-5,Short line\r\n";
        var result = await CheckAsync(csv);

        Assert.False(result.Succeeded);
        var problems = result.Problems.Select(p => (p.Line, p.Column, Text: English.Of(p.Problem) ?? "")).ToList();
        Assert.Contains((3, "price", "Enter a price between 0 and 9,999,999,999.99 with at most two decimals, such as 19.99."), problems);
        Assert.Contains(problems, p => p is (4, "category", _) && p.Text.StartsWith("There is no category \"Garden › Gnomes\".", StringComparison.Ordinal));
        Assert.Contains((5, "sku", "This SKU is also on line 2. Give each product one line."), problems);
        Assert.Contains(problems, p => p is (6, "on_hand", _));
        Assert.Contains(problems, p => p is (6, "published", _));
        Assert.DoesNotContain(problems, p => p is (6, "title" or "brand" or "category", _));
        Assert.Contains(problems, p => p is (6, "attribute:shoe_size", _));
        Assert.Contains(problems, p => p is (7, "", _) && p.Text.StartsWith("This line has 2 cells but the header has 8 columns.", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Line == 2);
        Assert.Equal(result.Problems.Count, result.ProblemCount);

        // Nothing was kept or changed: not even the good line.
        Assert.Equal(before, (await ProductCountAsync(), await StockAsync(existing)));
        Assert.Null(await ProductAsync("NEW-1"));
        Assert.Empty(await With(sp => sp.GetRequiredService<IProductFiles>().RecentAsync(10, default)));
    }

    [Theory]
    [InlineData("title,brand\r\nShoe,Stride\r\n", 1, "sku")]
    [InlineData("sku,colour\r\nA-1,Red\r\n", 1, "colour")]
    [InlineData("sku,title,title\r\nA-1,x,y\r\n", 1, "title")]
    [InlineData("sku,title\r\nA-1,\"never closed\r\n", 2, "")]
    [InlineData("", 1, "")]
    [InlineData("sku,title\r\n", 1, "")]
    public async Task A_file_that_is_not_a_product_list_is_refused_with_the_reason(string csv, int line, string column)
    {
        var result = await CheckAsync(csv);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Line == line && p.Column == column);
        Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(English.Of(p.Problem))));
    }

    [Fact]
    public async Task A_file_is_previewed_as_its_changes_and_applied_only_when_asked()
    {
        var (changed, same) = (await SomeShoeSkuAsync(0), await SomeShoeSkuAsync(1));
        var sameProduct = (await ProductAsync(same))!;
        var sameStock = (await StockAsync(same))!;
        var changedStock = (await StockAsync(changed))!;
        // Quoted cells, a comma and a quote inside, an apostrophe-guarded minus, and a column the rows leave to the store (description).
        var csv = "sku,title,brand,category,price,on_hand,published,description\r\n"
            + "NEW-SHOE-1,\"Glide 2, \"\"Night\"\" edition\",Stride,Clothing & Shoes > Men > Men's Shoes,59.50,12,yes,\"'- light\nand quick\"\r\n"
            + $"{changed},Renamed Shoe,,,{changedStock.Price.Amount + 1m:0.00},{changedStock.OnHand + 5},,\r\n"
            + $"{same},\"{sameProduct.Input.Title}\",{sameProduct.Input.Brand},men-shoes,{sameStock.Price.Amount:0.00},{sameStock.OnHand},{(sameProduct.Input.Published ? "true" : "false")},\"{sameProduct.Input.Description}\"\r\n";
        var result = await CheckAsync(csv, "spring.csv");
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => $"{p.Line} {p.Column}: {English.Of(p.Problem)}")));

        var preview = await ViewAsync(result.ImportId!.Value);
        Assert.Equal(("spring.csv", 3, 1, 1, 1, ImportStatus.Previewed, true), (preview.FileName, preview.Lines, preview.Creates, preview.Updates, preview.Unchanged, preview.Status, preview.CanApply));
        var created = preview.Rows.Single(r => r.Sku == "NEW-SHOE-1");
        Assert.Equal(ImportRowAction.Create, created.Action);
        Assert.Contains(new ImportFieldChange("title", null, "Glide 2, \"Night\" edition"), created.Changes);
        Assert.Contains(new ImportFieldChange("slug", null, "glide-2-night-edition"), created.Changes);
        Assert.Contains(new ImportFieldChange("description", null, "- light\nand quick"), created.Changes);
        var updated = preview.Rows.Single(r => r.Sku == changed);
        // Empty cells keep the brand and category; an empty description clears it.
        Assert.Equal(["title", "description", "price", "on_hand"], updated.Changes.Select(c => c.Column));
        // Nothing has changed yet.
        Assert.Null(await ProductAsync("NEW-SHOE-1"));
        Assert.Equal(changedStock, await StockAsync(changed));

        var applied = await ApplyAsync(preview.Id);
        Assert.Equal((ImportStatus.Applied, 2, 0), (applied.Status, applied.Done, applied.Skipped));
        Assert.All(applied.Rows, r => Assert.True(r.Done && r.Skipped is null));
        var made = (await ProductAsync("NEW-SHOE-1"))!;
        Assert.Equal(("Glide 2, \"Night\" edition", "glide-2-night-edition", true, "- light\nand quick"), (made.Input.Title, made.Input.Slug, made.Input.Published, made.Input.Description));
        var madeStock = (await StockAsync("NEW-SHOE-1"))!;
        Assert.Equal((59.50m, 12), (madeStock.Price.Amount, madeStock.OnHand));
        Assert.Equal(("Renamed Shoe", ""), ((await ProductAsync(changed))!.Input.Title, (await ProductAsync(changed))!.Input.Description));
        var nowStock = (await StockAsync(changed))!;
        Assert.Equal((changedStock.Price.Amount + 1m, changedStock.OnHand + 5), (nowStock.Price.Amount, nowStock.OnHand));
        // The count is a stock change like any other: in the SKU's ledger, by the merchant who applied it.
        var ledger = await With(sp => sp.GetRequiredService<IPricesAndStock>().LedgerAsync(changed, 1, default));
        Assert.Equal(("merchant@example.test", "Import of spring.csv", 5), (ledger[0].Actor, ledger[0].Reason, ledger[0].Delta));

        // Applied once: a second press does nothing.
        Assert.Equal(ImportStartOutcome.AlreadyStarted, await With(sp => sp.GetRequiredService<IProductFiles>().StartAsync(preview.Id, "merchant@example.test", default)));
    }

    [Fact]
    public async Task The_export_read_back_changes_nothing_and_keeps_every_product()
    {
        var csv = await ExportAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sku,title,slug,brand,category,price,on_hand,published,description,attribute:", lines[0], StringComparison.Ordinal);
        Assert.Equal(await ProductCountAsync(), csv.Count(c => c == '\n') - 1 - CountNewlinesInsideQuotes(csv));

        var result = await CheckAsync(csv);
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => $"{p.Line} {p.Column}: {English.Of(p.Problem)}")));
        var view = await ViewAsync(result.ImportId!.Value);
        Assert.Equal((await ProductCountAsync(), 0, 0), (view.Unchanged, view.Creates, view.Updates));
        Assert.False(view.CanApply);
    }

    private static int CountNewlinesInsideQuotes(string csv)
    {
        var (inside, count) = (false, 0);
        foreach (var ch in csv)
        {
            if (ch == '"') inside = !inside;
            else if (ch == '\n' && inside) count++;
        }
        return count;
    }

    [Fact]
    public async Task A_file_saved_with_semicolons_and_a_byte_order_mark_is_read()
    {
        var sku = await SomeShoeSkuAsync();
        var csv = "\uFEFFsku;price\r\n" + $"{sku};12,00\r\n";
        var refused = await CheckAsync(csv);
        // A comma decimal is no price: said so, nothing changed.
        Assert.Contains(refused.Problems, p => p is { Line: 2, Column: "price" });
        var result = await CheckAsync("\uFEFFsku;price\r\n" + $"{sku};12.00\r\n");
        Assert.True(result.Succeeded);
        Assert.Equal(1, (await ViewAsync(result.ImportId!.Value)).Updates);
    }

    [Fact]
    public async Task Two_presses_of_apply_at_once_apply_the_file_once()
    {
        var sku = await SomeShoeSkuAsync();
        var stock = (await StockAsync(sku))!;
        var result = await CheckAsync($"sku,on_hand\r\n{sku},{stock.OnHand + 7}\r\n");
        var id = result.ImportId!.Value;
        var presses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            With(sp => sp.GetRequiredService<IProductFiles>().StartAsync(id, "merchant@example.test", default)))));
        Assert.Equal(1, presses.Count(p => p == ImportStartOutcome.Started));
        Assert.Equal(5, presses.Count(p => p == ImportStartOutcome.AlreadyStarted));

        // Two runs of the job (a retry beside the first) still add the units once.
        var job = store.Services.GetRequiredService<ProductImportJob>();
        await Task.WhenAll(job.RunAsync(id, default), job.RunAsync(id, default));
        Assert.Equal(stock.OnHand + 7, (await StockAsync(sku))!.OnHand);
        var view = await ViewAsync(id);
        Assert.Equal((ImportStatus.Applied, 1, 0), (view.Status, view.Done, view.Skipped));
    }

    [Fact]
    public async Task A_price_changed_after_the_preview_is_left_as_set_and_the_line_says_so()
    {
        var (raced, calm) = (await SomeShoeSkuAsync(0), await SomeShoeSkuAsync(1));
        var (racedStock, calmStock) = ((await StockAsync(raced))!, (await StockAsync(calm))!);
        var result = await CheckAsync($"sku,price\r\n{raced},{racedStock.Price.Amount + 10m:0.00}\r\n{calm},{calmStock.Price.Amount + 10m:0.00}\r\n");

        // Another merchant changes one price between the preview and the apply.
        var set = await With(sp => sp.GetRequiredService<IPricesAndStock>().SetPriceAsync(raced, 1.23m, racedStock.Price.Currency, default));
        Assert.True(set.Succeeded);

        var applied = await ApplyAsync(result.ImportId!.Value);
        Assert.Equal((1, 1), (applied.Done, applied.Skipped));
        Assert.Equal(1.23m, (await StockAsync(raced))!.Price.Amount);
        Assert.Equal(calmStock.Price.Amount + 10m, (await StockAsync(calm))!.Price.Amount);
        var skipped = applied.Rows.Single(r => r.Sku == raced);
        Assert.Equal(CatalogProblems.ImportStockChangedMeanwhile, skipped.Skipped!.Code);
        // Lines not applied are listed first.
        Assert.Equal(raced, applied.Rows[0].Sku);
    }

    [Fact]
    public async Task A_job_stopped_after_a_line_landed_counts_it_done_when_run_again()
    {
        var result = await CheckAsync(Header + "RESUME-1,Resume Shoe,Stride,men-shoes,20.00,3,true,9\r\n");
        var id = result.ImportId!.Value;
        Assert.Equal(ImportStartOutcome.Started, await With(sp => sp.GetRequiredService<IProductFiles>().StartAsync(id, "merchant@example.test", default)));
        // The line's product was made, and the job stopped before it wrote the line's end.
        var plan = await With(sp => sp.GetRequiredService<CatalogDbContext>().ProductImportRows.SingleAsync(r => r.ImportId == id));
        var input = System.Text.Json.JsonSerializer.Deserialize<RowPlan>(plan.Plan, PlanJson)!.Input!;
        Assert.True((await With(sp => sp.GetRequiredService<ICatalogAdmin>().CreateProductAsync(input, new InitialStock(20m, 3), default))).Succeeded);

        await store.Services.GetRequiredService<ProductImportJob>().RunAsync(id, default);
        var view = await ViewAsync(id);
        Assert.Equal((ImportStatus.Applied, 1, 0), (view.Status, view.Done, view.Skipped));
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CatalogDbContext>().Products.CountAsync(p => p.Sku == "RESUME-1")));
    }

    [Fact]
    public async Task Applied_now_from_the_command_line_the_file_is_done_when_the_call_returns()
    {
        var sku = await SomeShoeSkuAsync();
        var result = await CheckAsync($"sku,title\r\n{sku},Command Line Shoe\r\n");
        var files = (Func<IServiceProvider, IProductFiles>)(sp => sp.GetRequiredService<IProductFiles>());
        Assert.Equal(ImportStartOutcome.Started, await With(sp => files(sp).ApplyNowAsync(result.ImportId!.Value, "command line", default)));
        Assert.Equal("Command Line Shoe", (await ProductAsync(sku))!.Input.Title);
        Assert.Equal(ImportStatus.Applied, (await ViewAsync(result.ImportId!.Value)).Status);
        Assert.Equal(ImportStartOutcome.AlreadyStarted, await With(sp => files(sp).ApplyNowAsync(result.ImportId!.Value, "command line", default)));
    }

    [Fact]
    public async Task A_file_holds_up_to_five_thousand_products_however_many_line_breaks_their_descriptions_have()
    {
        static string File(int products) => "sku,title,brand,category,price,description\r\n" + string.Concat(Enumerable.Range(0, products)
            .Select(i => $"BIG-{i},Big Tent {i},Trailhead,tents,10.00,\"Sleeps four.\nPacks small.\"\r\n"));
        var full = await CheckAsync(File(IProductFiles.MaxProducts));
        Assert.True(full.Succeeded, string.Join("; ", full.Problems.Select(p => $"{p.Line} {p.Column}: {English.Of(p.Problem)}")));
        Assert.Equal(IProductFiles.MaxProducts, (await ViewAsync(full.ImportId!.Value)).Creates);

        var over = await CheckAsync(File(IProductFiles.MaxProducts + 1));
        Assert.False(over.Succeeded);
        Assert.Equal("A file can hold up to 5000 products. Split it into smaller files.", English.Of(Assert.Single(over.Problems).Problem));
    }
}
