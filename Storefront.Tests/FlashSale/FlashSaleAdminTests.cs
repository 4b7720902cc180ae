using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.FlashSale.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

/// <summary>
/// Setting a sale up and arming it, through the module's contract against PostgreSQL: a refusal
/// writes nothing, a double submit makes one sale, and arming takes the units out of stock once.
/// </summary>
public sealed class FlashSaleAdminTests(StoreFixture store) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private const string Sku = "DROP-1";

    public async Task InitializeAsync()
    {
        await store.ResetAsync();
        using var scope = store.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed(Sku, 120m, "USD", 50), default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<T> Admin<T>(Func<IFlashSaleAdmin, Task<T>> action) => With(sp => action(sp.GetRequiredService<IFlashSaleAdmin>()));

    private static SaleInput Valid(string slug = "noon-drop", string sku = Sku, int units = 20) =>
        new(slug, sku, units, 79.99m, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(2), AdmissionPerMinute: 500);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<long> SalesAsync() => CountAsync("SELECT count(*) FROM flashsale.sales");

    private Task<long> LedgerLinesAsync() => CountAsync($"SELECT count(*) FROM inventory.stock_ledger WHERE sku = '{Sku}' AND reason = 'Flash sale'");

    private Task<SkuStock?> StockAsync() => With(sp => sp.GetRequiredService<IPricesAndStock>().GetAsync(Sku, default));

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "start-in-past", nameof(SaleInput.StartsAt), FlashSaleProblems.StartInPast },
        { "end-before-start", nameof(SaleInput.EndsAt), FlashSaleProblems.EndNotAfterStart },
        { "end-at-start", nameof(SaleInput.EndsAt), FlashSaleProblems.EndNotAfterStart },
        { "no-units", nameof(SaleInput.Units), FlashSaleProblems.UnitsInvalid },
        { "more-units-than-stock", nameof(SaleInput.Units), FlashSaleProblems.UnitsAboveStock },
        { "free", nameof(SaleInput.Price), FlashSaleProblems.PriceInvalid },
        { "negative-price", nameof(SaleInput.Price), FlashSaleProblems.PriceInvalid },
        { "unknown-sku", nameof(SaleInput.Sku), FlashSaleProblems.UnknownSku },
        { "bad slug", nameof(SaleInput.Slug), FlashSaleProblems.SlugInvalid },
        { "no-admission", nameof(SaleInput.AdmissionPerMinute), FlashSaleProblems.AdmissionRateInvalid },
        { "no-limit", nameof(SaleInput.LimitPerCustomer), FlashSaleProblems.LimitInvalid },
        { "long-window", nameof(SaleInput.PurchaseWindow), FlashSaleProblems.PurchaseWindowInvalid },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_sale_names_the_field_and_writes_nothing(string @case, string field, string code)
    {
        var valid = Valid();
        var input = @case switch
        {
            "start-in-past" => valid with { StartsAt = DateTimeOffset.UtcNow.AddMinutes(-1) },
            "end-before-start" => valid with { EndsAt = valid.StartsAt.AddMinutes(-5) },
            "end-at-start" => valid with { EndsAt = valid.StartsAt },
            "no-units" => valid with { Units = 0 },
            "more-units-than-stock" => valid with { Units = 51 },
            "free" => valid with { Price = 0m },
            "negative-price" => valid with { Price = -5m },
            "unknown-sku" => valid with { Sku = "NOPE-9" },
            "bad slug" => valid with { Slug = "Noon Drop!" },
            "no-admission" => valid with { AdmissionPerMinute = 0 },
            "no-limit" => valid with { LimitPerCustomer = 0 },
            "long-window" => valid with { PurchaseWindow = TimeSpan.FromHours(3) },
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var stockBefore = await StockAsync();

        var result = await Admin(a => a.CreateAsync(input, default));

        Assert.False(result.Succeeded);
        Assert.Equal(code, Assert.Single(result.Errors[field]).Code);
        Assert.Equal(0, await SalesAsync());
        Assert.Equal(stockBefore, await StockAsync());
    }

    [Fact]
    public async Task A_sale_overlapping_another_sale_of_the_same_SKU_is_refused_and_one_after_it_is_not()
    {
        var first = Valid();
        Assert.True((await Admin(a => a.CreateAsync(first, default))).Succeeded);

        var overlapping = await Admin(a => a.CreateAsync(Valid("second-drop") with { StartsAt = first.StartsAt.AddMinutes(30), EndsAt = first.EndsAt.AddMinutes(30) }, default));
        var problem = Assert.Single(overlapping.Errors[nameof(SaleInput.StartsAt)]);
        Assert.Equal((FlashSaleProblems.Overlaps, "noon-drop"), (problem.Code, problem.Args["slug"]));

        var after = await Admin(a => a.CreateAsync(Valid("evening-drop") with { StartsAt = first.EndsAt, EndsAt = first.EndsAt.AddHours(1) }, default));
        Assert.True(after.Succeeded);
        Assert.Equal(2, await SalesAsync());
    }

    [Fact]
    public async Task A_new_sale_is_a_draft_priced_in_the_store_currency_with_the_defaults()
    {
        var created = await Admin(a => a.CreateAsync(Valid(), default));

        var sale = await Admin(a => a.GetAsync(created.Value, default));
        Assert.NotNull(sale);
        Assert.Equal((SaleStatus.Draft, 79.99m, "USD", 1, TimeSpan.FromMinutes(5), false, 0),
            (sale.Status, sale.Price.Amount, sale.Price.Currency, sale.LimitPerCustomer, sale.PurchaseWindow, sale.GuestsAllowed, sale.QuotaHeld));
        // Creating takes no stock: only arming does.
        Assert.Equal(50, (await StockAsync())!.OnHand);
    }

    [Fact]
    public async Task Creating_the_same_sale_many_times_at_once_makes_one_sale()
    {
        var input = Valid();
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Admin(a => a.CreateAsync(input, default)))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(FlashSaleProblems.SlugTaken, Assert.Single(r.Errors[nameof(SaleInput.Slug)]).Code));
        Assert.Equal(1, await SalesAsync());
    }

    [Fact]
    public async Task Overlapping_sales_of_one_SKU_created_at_once_make_one_sale()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Admin(a => a.CreateAsync(Valid($"drop-{i}"), default)))));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(1, await SalesAsync());
    }

    [Fact]
    public async Task Arming_takes_the_units_out_of_on_hand_stock_with_one_ledger_line_and_holds_the_quota()
    {
        var created = await Admin(a => a.CreateAsync(Valid(units: 20), default));

        var armed = await Admin(a => a.ArmAsync(created.Value, "merchant@example.com", default));

        Assert.Equal(ArmOutcome.Armed, armed.Outcome);
        var stock = await StockAsync();
        Assert.Equal((30, 30), (stock!.OnHand, stock.Available));
        var line = Assert.Single(await With(sp => sp.GetRequiredService<IPricesAndStock>().LedgerAsync(Sku, 10, default)), l => l.Reason == "Flash sale");
        Assert.Equal((-20, 30, created.Value.ToString(), "merchant@example.com"), (line.Delta, line.OnHandAfter, line.Reference, line.Actor));
        var sale = await Admin(a => a.GetAsync(created.Value, default));
        Assert.Equal((SaleStatus.Armed, 20), (sale!.Status, sale.QuotaHeld));
    }

    [Fact]
    public async Task Arming_again_or_many_times_at_once_takes_the_units_once()
    {
        var created = await Admin(a => a.CreateAsync(Valid(units: 20), default));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Admin(a => a.ArmAsync(created.Value, "merchant", default)))));
        var again = await Admin(a => a.ArmAsync(created.Value, "merchant", default));

        Assert.Single(results, r => r.Outcome == ArmOutcome.Armed);
        Assert.All(results.Where(r => r.Outcome != ArmOutcome.Armed), r => Assert.Equal(ArmOutcome.AlreadyArmed, r.Outcome));
        Assert.Equal(ArmOutcome.AlreadyArmed, again.Outcome);
        Assert.Equal(30, (await StockAsync())!.OnHand);
        Assert.Equal(1, await LedgerLinesAsync());
    }

    [Fact]
    public async Task Arming_when_the_stock_is_no_longer_there_is_refused_and_changes_nothing()
    {
        var created = await Admin(a => a.CreateAsync(Valid(units: 20), default));
        // Stock counted down after the sale was set up.
        await With(sp => sp.GetRequiredService<IPricesAndStock>().SetOnHandAsync(Sku, 5, StockChangeContext.System, default));

        var armed = await Admin(a => a.ArmAsync(created.Value, "merchant", default));

        Assert.Equal(ArmOutcome.Refused, armed.Outcome);
        Assert.Equal((FlashSaleProblems.StockGone, (object?)20, (object?)5), (armed.Problem!.Code, armed.Problem.Args["units"], armed.Problem.Args["available"]));
        Assert.Equal(5, (await StockAsync())!.OnHand);
        Assert.Equal(0, await LedgerLinesAsync());
        Assert.Equal((SaleStatus.Draft, 0), await Admin(async a => { var s = (await a.GetAsync(created.Value, default))!; return (s.Status, s.QuotaHeld); }));
    }

    [Fact]
    public async Task Arming_an_unknown_sale_is_refused()
    {
        var armed = await Admin(a => a.ArmAsync(Guid.NewGuid(), "merchant", default));
        Assert.Equal((ArmOutcome.Refused, FlashSaleProblems.SaleGone), (armed.Outcome, armed.Problem!.Code));
    }
}
