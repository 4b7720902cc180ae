using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

/// <summary>A shop whose log lines the tests read.</summary>
public sealed class LoggedShopFixture : ShopFixture
{
    public LogCollector Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

/// <summary>Races the store expects and handles are not logged as errors (a false alarm buries real ones).</summary>
public sealed class ExpectedRaceLoggingTests(LoggedShopFixture store) : IClassFixture<LoggedShopFixture>
{
    [Fact]
    public async Task The_same_checkout_submitted_six_times_at_once_places_one_order_and_logs_no_error()
    {
        var product = await store.ProductAsync(10);
        Guid cart;
        using (var scope = store.Services.CreateScope())
        {
            var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
            cart = await carts.StartAsync(default);
            Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        }
        var request = new CheckoutRequest(Guid.NewGuid(), cart, null, "racer@example.test",
            new Address("Rae Racer", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard);
        var before = store.Logs.Lines.Count;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            using var scope = store.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(request, default);
        })));

        Assert.Single(results.Select(r => r.OrderNumber).Where(n => n is not null).Distinct());
        Assert.All(results, r => Assert.True(r.Outcome is CheckoutOutcome.Completed or CheckoutOutcome.InProgress, r.Outcome.ToString()));
        var lines = store.Logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(lines, l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal));
    }
}
