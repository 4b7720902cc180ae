using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Selling;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

/// <summary>The real clock, moved forward on demand: a sale can start, a window run out, a pass expire.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

/// <summary>
/// A store for flash-sale tests: a clock the test moves, admissions stepped by the test (the
/// background loop is slowed to every ten seconds) and helpers to set a sale up and act as shoppers.
/// </summary>
public class FlashSaleFixture : StoreFixture
{
    public ShiftedClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["FlashSale:AdmitInterval"] = "00:00:10",
        ["FlashSale:ViewRefresh"] = "00:00:00.050",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));

    public async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    public Task<T> Room<T>(Func<IFlashSaleRoom, Task<T>> action) => With(sp => action(sp.GetRequiredService<IFlashSaleRoom>()));

    public Task<T> Admin<T>(Func<IFlashSaleAdmin, Task<T>> action) => With(sp => action(sp.GetRequiredService<IFlashSaleAdmin>()));

    /// <summary>Creates and arms a sale of a fresh SKU (with twice its units in stock), starting a minute from now.</summary>
    public async Task<SaleSummary> ArmedSaleAsync(string slug, int units, int limit = 1, int perMinute = 100_000,
        TimeSpan? window = null, TimeSpan? startsIn = null, decimal price = 49.99m, bool guests = false, string? sku = null)
    {
        if (sku is null)
        {
            sku = "FS-" + slug.ToUpperInvariant();
            await With<bool>(async sp =>
            {
                await sp.GetRequiredService<IPricesAndStock>().EnsureSkuAsync(new SkuSeed(sku, 99m, "USD", units * 2), default);
                return true;
            });
        }
        var now = Clock.GetUtcNow();
        var starts = now + (startsIn ?? TimeSpan.FromMinutes(1));
        var created = await Admin(a => a.CreateAsync(new SaleInput(slug, sku, units, price, starts, starts.AddHours(1), perMinute, limit, window, guests), default));
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.SelectMany(e => e.Value.Select(p => $"{e.Key}: {p}"))));
        Assert.True((await Admin(a => a.ArmAsync(created.Value, "merchant", default))).Succeeded);
        return (await Admin(a => a.GetAsync(created.Value, default)))!;
    }

    /// <summary>Moves the clock to just after the sale's start.</summary>
    public void StartSale(SaleSummary sale)
    {
        var until = sale.StartsAt - Clock.GetUtcNow();
        if (until > TimeSpan.Zero) Clock.Advance(until + TimeSpan.FromMilliseconds(10));
    }

    /// <summary>Runs the admission step of the sale once (as the background loop does five times a second).</summary>
    public async Task StepAsync(SaleSummary sale)
    {
        var live = await Services.GetRequiredService<SaleDirectory>().FindAsync(sale.Slug, default);
        await Services.GetRequiredService<SaleAdmissions>().StepAsync(live!, default);
    }

    public Task<JoinResult> JoinAsync(SaleSummary sale, string customer) => Room(r => r.JoinAsync(sale.Slug, customer, signedIn: true, default));

    public Task<StatusResult> StatusAsync(SaleSummary sale, string? pass, string customer) => Room(r => r.StatusAsync(sale.Slug, pass, customer, default));

    public static readonly Address Address = new("Ada Shopper", "1 Main St", null, "Springfield", "CA", "90210", "US");

    public Task<PurchaseResult> BuyAsync(SaleSummary sale, string pass, string customer, string card = "4242424242424242") =>
        Room(r => r.PurchaseAsync(new PurchaseRequest(sale.Slug, pass, customer, null, "ada@example.com", Address, "standard", card), default));

    /// <summary>A confirmed shopper account, ready to sign in.</summary>
    public async Task<string> ShopperAsync(string email, string password)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Storefront.Web.Identity.StoreUser>>();
        var user = new Storefront.Web.Identity.StoreUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return user.Id;
    }

    public static string Describe(Problem? problem) => problem?.ToString() ?? "(none)";
}

/// <summary>Reading what a sale came to, straight from PostgreSQL.</summary>
public static class SaleLedger
{
    public static async Task<long> CountAsync(this StoreFixture store, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // the tests' own SQL
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Orders in the checkout module with a line of the SKU, cancelled ones left out.</summary>
    public static Task<long> OrdersOfAsync(this StoreFixture store, string sku) => store.CountAsync(
        $"SELECT count(*) FROM checkout.orders o WHERE o.status <> 'Cancelled' AND EXISTS (SELECT 1 FROM checkout.order_lines l WHERE l.order_id = o.id AND l.sku = '{sku}')");

    public static Task<long> ChargesAsync(this StoreFixture store) => store.CountAsync(
        "SELECT count(*) FROM checkout.test_gateway_payments WHERE kind = 'charge' AND status = 'succeeded'");
}
