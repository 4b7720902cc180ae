using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Payments;
using Storefront.Checkout.Saga;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

/// <summary>
/// A module holding stock for reserved orders (as a flash sale will): each reference's first answer
/// is kept, as the port asks, and every call is recorded.
/// </summary>
public sealed class RecordingReservedStock : IReservedStock
{
    public const string Name = "test-sale";

    private readonly ConcurrentDictionary<string, bool> _answers = new();
    private readonly ConcurrentDictionary<string, bool> _gone = new();

    public ConcurrentQueue<(string Reference, string OrderNumber)> Commits { get; } = new();
    public ConcurrentQueue<string> Returns { get; } = new();

    public string Source => Name;

    /// <summary>The units of this reference are gone: its commit will be refused.</summary>
    public void Lose(string reference) => _gone[reference] = true;

    public Task<bool> CommitAsync(string reference, string orderNumber, CancellationToken cancellationToken)
    {
        Commits.Enqueue((reference, orderNumber));
        return Task.FromResult(_answers.GetOrAdd(reference, r => !_gone.ContainsKey(r)));
    }

    public Task ReturnAsync(string reference, CancellationToken cancellationToken)
    {
        Returns.Enqueue(reference);
        return Task.CompletedTask;
    }

    public List<string> CommitsOf(string reference) => Commits.Where(c => c.Reference == reference).Select(c => c.OrderNumber).ToList();

    public int ReturnsOf(string reference) => Returns.Count(r => r == reference);
}

/// <summary>Every call made to <see cref="ICarts"/>, with the cart it named, so a test can tell no cart was touched.</summary>
public class RecordingCarts : DispatchProxy
{
    private ICarts _inner = default!;
    private ConcurrentQueue<(string Method, Guid CartId)> _calls = default!;

    public static ICarts Wrap(ICarts inner, ConcurrentQueue<(string Method, Guid CartId)> calls)
    {
        var proxy = Create<ICarts, RecordingCarts>();
        var recorder = (RecordingCarts)(object)proxy;
        (recorder._inner, recorder._calls) = (inner, calls);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (args is [Guid cartId, ..]) _calls.Enqueue((targetMethod!.Name, cartId));
        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}

/// <summary>A shop with a reserved-stock source, scripted faults, carts watched, and checkouts recoverable at once.</summary>
public sealed class ReservedOrderFixture : ShopFixture
{
    public ScriptedFaults Faults { get; } = new();
    public RecordingReservedStock Stock { get; } = new();
    public ConcurrentQueue<(string Method, Guid CartId)> CartCalls { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:RecoverAfter"] = "00:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ICheckoutFaults>(Faults);
        services.AddSingleton<IReservedStock>(Stock);
        var carts = services.Last(d => d.ServiceType == typeof(ICarts));
        services.AddScoped(sp => RecordingCarts.Wrap((ICarts)carts.ImplementationFactory!(sp), CartCalls));
    }
}

public sealed class ReservedOrderTests(ReservedOrderFixture store) : IClassFixture<ReservedOrderFixture>
{
    private static readonly Address Home = new("Ada Shopper", "1 Market Street", null, "San Francisco", "CA", "94105", "US");

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private static Money Usd(decimal amount) => new(amount, "USD");

    /// <summary>A reserved order of <paramref name="quantity"/> units of a product of its own (10 on hand), under a new reference.</summary>
    private async Task<(ReservedOrderRequest Request, ShopFixture.TestProduct Product)> ReservedAsync(
        string card = TestPaymentGateway.SuccessCard, int quantity = 1, decimal price = 19.99m)
    {
        var product = await store.ProductAsync(onHand: 10);
        var reference = "purchase-" + Guid.NewGuid().ToString("N");
        var request = new ReservedOrderRequest(Guid.NewGuid(), RecordingReservedStock.Name, reference, null, $"{reference}@example.test",
            Home, "standard", card, [new ReservedLine(product.Sku, product.Title, Usd(price), quantity)]);
        return (request, product);
    }

    private Task<CheckoutResult> PlaceAsync(ReservedOrderRequest request) =>
        With(sp => sp.GetRequiredService<ICheckout>().PlaceReservedOrderAsync(request, default));

    private Task<CheckoutResult?> OutcomeAsync(Guid checkoutId) =>
        With(sp => sp.GetRequiredService<ICheckout>().OutcomeAsync(checkoutId, default));

    private Task<(decimal Charged, decimal Refunded)> MoneyAsync(Guid checkoutId) => CheckoutLedger.MoneyAsync(store.ConnectionString, checkoutId);

    private Task<(int OnHand, int Reserved)> StockAsync(string sku) => CheckoutLedger.StockAsync(store.ConnectionString, sku);

    private Task<int> OrdersForAsync(Guid checkoutId) =>
        With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.CountAsync(o => o.CheckoutId == checkoutId));

    private Task<int> ChargeRequestsOfAsync(Guid checkoutId) =>
        With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments.CountAsync(p => p.IdempotencyKey == checkoutId.ToString("N")));

    private async Task<int> OrderPlacedEventsAsync(string orderNumber) =>
        (await store.EventPayloadsAsync("checkout.order-placed.v1")).Count(p => p.Contains(orderNumber, StringComparison.Ordinal));

    /// <summary>The calls a checkout without a cart would make to the cart module: any at all is one too many.</summary>
    private List<string> CallsToTheEmptyCart() => store.CartCalls.Where(c => c.CartId == Guid.Empty).Select(c => c.Method).ToList();

    [Fact]
    public async Task A_reserved_order_is_placed_at_the_given_prices_charged_once_committed_with_its_number_and_announced_without_a_cart()
    {
        var heavy = await store.ProductAsync(onHand: 10);
        var light = await store.ProductAsync(onHand: 10);
        var reference = "purchase-" + Guid.NewGuid().ToString("N");
        var email = $"{reference}@example.test";
        // Parcel post by weight: 2 × 1.5 kg and 1 × the default 0.5 kg make 3.5 kg, the 2–10 kg band ($9.49).
        // Subtotal 2 × 12.50 + 7.25 = 32.25; California's 7.25 % on goods and shipping: 41.74 × 0.0725 = 3.03.
        var request = new ReservedOrderRequest(Guid.NewGuid(), RecordingReservedStock.Name, reference, null, email, Home, "parcel",
            TestPaymentGateway.SuccessCard,
            [new ReservedLine(heavy.Sku, "Sale: " + heavy.Title, Usd(12.50m), 2, WeightKg: 1.5m), new ReservedLine(light.Sku, light.Title, Usd(7.25m), 1)],
            ExpectedTotal: 44.77m);

        var result = await PlaceAsync(request);

        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        Assert.StartsWith("SF-", result.OrderNumber, StringComparison.Ordinal);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal(
            new[] { (heavy.Sku, "Sale: " + heavy.Title, Usd(12.50m), 2), (light.Sku, light.Title, Usd(7.25m), 1) }.OrderBy(l => l.Item1, StringComparer.Ordinal),
            order.Lines.Select(l => (l.Sku, l.Title, l.UnitPrice, l.Quantity)));
        Assert.Equal((Usd(32.25m), Usd(9.49m), Usd(3.03m), Usd(44.77m)), (order.Subtotal, order.Shipping, order.Tax, order.Total));
        Assert.Equal((email, "Paid"), (order.Email, order.Status));
        Assert.Equal(["Placed", "Paid"], order.Timeline.Select(t => t.Status));
        Assert.Equal((44.77m, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal(1, await ChargeRequestsOfAsync(request.CheckoutId));
        Assert.Equal([result.OrderNumber!], store.Stock.CommitsOf(reference));
        Assert.Equal(0, store.Stock.ReturnsOf(reference));
        // The source holds the stock: Inventory and the cart module are not asked.
        Assert.Equal((10, 0), await StockAsync(heavy.Sku));
        Assert.Equal((10, 0), await StockAsync(light.Sku));
        Assert.Empty(CallsToTheEmptyCart());
        var saga = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.AsNoTracking().SingleAsync(c => c.Id == request.CheckoutId));
        Assert.Equal((Guid.Empty, RecordingReservedStock.Name, reference), (saga.CartId, saga.Source, saga.SourceReference));
        var outcome = (await OutcomeAsync(request.CheckoutId))!;
        Assert.Equal((CheckoutOutcome.Completed, result.OrderNumber), (outcome.Outcome, outcome.OrderNumber));

        // The same event as a cart's order: the fulfilment request and the confirmation e-mail follow.
        Assert.Equal(1, await OrderPlacedEventsAsync(order.Number));
        await store.DrainOutboxAsync();
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CheckoutDbContext>().FulfilmentRequests.CountAsync(f => f.OrderId == order.Id)));
        Assert.Contains(Mailbox.For(store, email), m => m.Contains(order.Number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_reserved_checkout_submitted_at_once_gives_one_order_one_charge_and_one_commit()
    {
        var (request, _) = await ReservedAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PlaceAsync(request))));

        Assert.All(results, r => Assert.Equal(CheckoutOutcome.Completed, r.Outcome));
        var number = Assert.Single(results.Select(r => r.OrderNumber).Distinct());
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        Assert.Equal(1, await ChargeRequestsOfAsync(request.CheckoutId));
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(number!, default)))!;
        Assert.Equal((order.Total.Amount, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal([number!], store.Stock.CommitsOf(request.Reference));
        Assert.Equal(1, await OrderPlacedEventsAsync(number!));
    }

    [Fact]
    public async Task A_declined_card_places_nothing_and_commits_nothing_and_the_source_may_try_again()
    {
        var (request, _) = await ReservedAsync(card: TestPaymentGateway.DeclinedCard);
        var result = await PlaceAsync(request);

        Assert.Equal((CheckoutOutcome.PaymentDeclined, "Your card was declined."), (result.Outcome, English.Of(result.Problem)));
        Assert.Equal(0, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Empty(store.Stock.CommitsOf(request.Reference));
        Assert.Equal(CheckoutOutcome.PaymentDeclined, (await OutcomeAsync(request.CheckoutId))!.Outcome);

        // The same purchase under a new checkout, with another card.
        var retry = request with { CheckoutId = Guid.NewGuid(), PaymentMethod = TestPaymentGateway.SuccessCard };
        var placed = await PlaceAsync(retry);
        Assert.Equal(CheckoutOutcome.Completed, placed.Outcome);
        Assert.Equal([placed.OrderNumber!], store.Stock.CommitsOf(request.Reference));
    }

    [Fact]
    public async Task A_reference_with_a_checkout_that_did_not_fail_is_not_charged_again_under_another_checkout_id()
    {
        var (request, _) = await ReservedAsync();
        var first = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Completed, first.Outcome);

        var again = request with { CheckoutId = Guid.NewGuid() };
        var second = await PlaceAsync(again);

        Assert.Equal((CheckoutOutcome.InProgress, CheckoutProblems.AlreadyBeingPlaced), (second.Outcome, second.Problem?.Code));
        Assert.Equal((0m, 0m), await MoneyAsync(again.CheckoutId));
        Assert.Equal(0, await OrdersForAsync(again.CheckoutId));
        Assert.Equal([first.OrderNumber!], store.Stock.CommitsOf(request.Reference));
    }

    [Fact]
    public async Task Units_the_source_no_longer_has_refund_the_charge_cancel_the_order_and_give_nothing_back()
    {
        var (request, product) = await ReservedAsync(quantity: 2);
        store.Stock.Lose(request.Reference);

        var result = await PlaceAsync(request);

        Assert.Equal(CheckoutOutcome.Refunded, result.Outcome);
        Assert.Contains($"{product.Title} sold out before your order could take it.", English.Of(result.Problem), StringComparison.Ordinal);
        var (charged, refunded) = await MoneyAsync(request.CheckoutId);
        Assert.True(charged > 0);
        Assert.Equal(charged, refunded);
        var order = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.AsNoTracking().SingleAsync(o => o.CheckoutId == request.CheckoutId));
        Assert.Equal(("Cancelled", "Full"), (order.Status, order.RefundState));
        Assert.Single(store.Stock.CommitsOf(request.Reference));
        Assert.Equal(0, store.Stock.ReturnsOf(request.Reference));
        Assert.Equal((10, 0), await StockAsync(product.Sku));
        Assert.Equal(0, await OrderPlacedEventsAsync(order.Number));
    }

    [Fact]
    public async Task A_failure_after_the_commit_refunds_and_gives_the_units_back_to_the_source_once()
    {
        var (request, product) = await ReservedAsync();
        store.Faults.At(request.CheckoutId, CheckoutStep.Complete, CheckoutFault.Fail);

        var result = await PlaceAsync(request);

        Assert.Equal(CheckoutOutcome.Refunded, result.Outcome);
        var (charged, refunded) = await MoneyAsync(request.CheckoutId);
        Assert.True(charged > 0);
        Assert.Equal(charged, refunded);
        var order = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.Include(o => o.History).AsNoTracking().SingleAsync(o => o.CheckoutId == request.CheckoutId));
        Assert.Equal(("Cancelled", "Full"), (order.Status, order.RefundState));
        Assert.Equal(["Placed", "Paid", "Cancelled", "Refunded"], order.History.OrderBy(h => h.Id).Select(h => h.Status));
        Assert.Equal([order.Number], store.Stock.CommitsOf(request.Reference));
        Assert.Equal(1, store.Stock.ReturnsOf(request.Reference));
        // The units go back to the source, not to Inventory's stock.
        Assert.Equal((10, 0), await StockAsync(product.Sku));
        Assert.Equal(CheckoutOutcome.Refunded, (await OutcomeAsync(request.CheckoutId))!.Outcome);

        // Ended: neither recovery nor the same request again gives anything back a second time.
        Assert.Equal(0, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));
        Assert.Equal(CheckoutOutcome.Refunded, (await PlaceAsync(request)).Outcome);
        Assert.Equal(1, store.Stock.ReturnsOf(request.Reference));
        Assert.Equal((charged, refunded), await MoneyAsync(request.CheckoutId));
    }

    [Theory]
    [InlineData(CheckoutStep.AfterCharge)]
    [InlineData(CheckoutStep.CreateOrder)]
    [InlineData(CheckoutStep.CommitStock)]
    [InlineData(CheckoutStep.Complete)]
    public async Task A_reserved_checkout_killed_mid_way_is_finished_by_the_recovery_job(CheckoutStep step)
    {
        var (request, product) = await ReservedAsync();
        store.Faults.At(request.CheckoutId, step, CheckoutFault.Crash);
        await Assert.ThrowsAsync<CheckoutInterruptedException>(() => PlaceAsync(request));
        var charged = (await MoneyAsync(request.CheckoutId)).Charged;
        Assert.True(charged > 0);
        Assert.Null(await OutcomeAsync(request.CheckoutId));

        Assert.Equal(1, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));

        var outcome = (await OutcomeAsync(request.CheckoutId))!;
        Assert.Equal(CheckoutOutcome.Completed, outcome.Outcome);
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((charged, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal(1, await ChargeRequestsOfAsync(request.CheckoutId));
        Assert.Equal([outcome.OrderNumber!], store.Stock.CommitsOf(request.Reference));
        Assert.Equal(0, store.Stock.ReturnsOf(request.Reference));
        Assert.Equal(1, await OrderPlacedEventsAsync(outcome.OrderNumber!));
        Assert.Equal((10, 0), await StockAsync(product.Sku));
        Assert.Empty(CallsToTheEmptyCart());
        // The job that started it asks again: the finished order, not a second charge.
        var again = await PlaceAsync(request);
        Assert.Equal((CheckoutOutcome.Completed, outcome.OrderNumber), (again.Outcome, again.OrderNumber));
        Assert.Equal((charged, 0m), await MoneyAsync(request.CheckoutId));
    }

    [Fact]
    public async Task A_total_that_differs_from_the_expected_one_is_not_charged()
    {
        var (request, _) = await ReservedAsync(price: 20m);
        var result = await PlaceAsync(request with { ExpectedTotal = 20m });
        // $20.00, standard shipping $4.99, California's tax on both.
        Assert.Equal(CheckoutOutcome.TotalChanged, result.Outcome);
        Assert.Equal("The total changed from $20.00 to $26.80 since you reviewed your order. Nothing was charged; check the new total and place the order again.",
            English.Of(result.Problem));
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Empty(store.Stock.CommitsOf(request.Reference));
    }

    [Fact]
    public async Task Bad_lines_are_refused_field_by_field_and_nothing_is_written()
    {
        var (request, product) = await ReservedAsync();
        var bad = request with
        {
            Lines =
            [
                new ReservedLine(product.Sku, product.Title, new Money(10m, "EUR"), 0),
                new ReservedLine(product.Sku, " ", Usd(-1m), 1),
                new ReservedLine("OTHER-1", "Other", Usd(1.005m), 1, WeightKg: -2m),
            ],
        };
        var result = await PlaceAsync(bad);

        Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
        Assert.Equal(["Lines[0].Quantity", "Lines[0].UnitPrice", "Lines[1].Sku", "Lines[1].Title", "Lines[1].UnitPrice", "Lines[2].UnitPrice", "Lines[2].WeightKg"],
            result.FieldErrors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("This item is priced in EUR, but the store charges in USD.", English.Of(result.FieldErrors["Lines[0].UnitPrice"]));
        Assert.All(result.FieldErrors.Values, p => Assert.False(string.IsNullOrWhiteSpace(English.Of(p))));
        Assert.Equal(0, await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.CountAsync(c => c.Id == bad.CheckoutId)));
        Assert.Equal((0m, 0m), await MoneyAsync(bad.CheckoutId));
        Assert.Null(await OutcomeAsync(bad.CheckoutId));
    }

    [Fact]
    public async Task An_unknown_source_no_lines_and_a_bad_form_are_refused_before_anything_starts()
    {
        var (request, _) = await ReservedAsync(card: "12");
        var bad = request with
        {
            CheckoutId = Guid.Empty, Source = "nowhere", Reference = new string('r', 101), Lines = [], Email = "nope",
            ShippingMethod = "teleport", ShippingAddress = Home with { PostalCode = "", Country = "ZZ" },
        };
        var result = await PlaceAsync(bad);

        Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
        Assert.Equal(["", "Country", "Email", "Lines", "PaymentMethod", "PostalCode", "Reference", "ShippingMethod", "Source"],
            result.FieldErrors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.CountAsync(c => c.Source == "nowhere" || c.SourceReference == request.Reference)));
        Assert.Empty(store.Stock.CommitsOf(request.Reference));
    }
}
