using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Payments;
using Storefront.Checkout.Saga;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

/// <summary>Failures a test asks for, per checkout and step.</summary>
public sealed class ScriptedFaults : ICheckoutFaults
{
    private readonly ConcurrentDictionary<(Guid, CheckoutStep), CheckoutFault> _faults = new();
    private readonly ConcurrentDictionary<(Guid, CheckoutStep), Action> _actions = new();

    public void At(Guid checkoutId, CheckoutStep step, CheckoutFault fault) => _faults[(checkoutId, step)] = fault;

    /// <summary>Runs something (another driver, a cancelled request) at that point of the checkout, once.</summary>
    public void Do(Guid checkoutId, CheckoutStep step, Action action) => _actions[(checkoutId, step)] = action;

    public CheckoutFault Before(CheckoutStep step, Guid checkoutId)
    {
        if (_actions.TryRemove((checkoutId, step), out var action)) action();
        return _faults.TryRemove((checkoutId, step), out var fault) ? fault : CheckoutFault.None;
    }
}

/// <summary>Checkouts left mid-way are recoverable at once, and failures can be injected.</summary>
public sealed class CheckoutStoreFixture : ShopFixture
{
    public ScriptedFaults Faults { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:RecoverAfter"] = "00:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ICheckoutFaults>(Faults);
}

public sealed class CheckoutSagaTests(CheckoutStoreFixture store) : IClassFixture<CheckoutStoreFixture>
{
    private static readonly Address Home = new("Ada Shopper", "1 Market Street", null, "San Francisco", "CA", "94105", "US");

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<(Guid Cart, ShopFixture.TestProduct[] Products)> CartAsync(params (int OnHand, int Quantity)[] lines)
    {
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        var products = new List<ShopFixture.TestProduct>();
        foreach (var (onHand, quantity) in lines)
        {
            var product = await store.ProductAsync(onHand);
            var added = await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, quantity, default));
            Assert.True(added.Succeeded, English.Of(added.Problem));
            products.Add(product);
        }
        return (cart, products.ToArray());
    }

    private static CheckoutRequest Request(Guid cart, string card = TestPaymentGateway.SuccessCard, Guid? id = null, decimal? expectedTotal = null) =>
        new(id ?? Guid.NewGuid(), cart, null, "ada@example.test", Home, "standard", card, expectedTotal);

    private Task<CheckoutResult> PlaceAsync(CheckoutRequest request) =>
        With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(request, default));

    private Task<(decimal Charged, decimal Refunded)> MoneyAsync(Guid checkoutId) => CheckoutLedger.MoneyAsync(store.ConnectionString, checkoutId);

    private Task<(int OnHand, int Reserved)> StockAsync(string sku) => CheckoutLedger.StockAsync(store.ConnectionString, sku);

    private Task<int> OrdersForAsync(Guid checkoutId) =>
        With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.CountAsync(o => o.CheckoutId == checkoutId));

    [Fact]
    public async Task A_successful_checkout_charges_once_places_the_order_takes_the_stock_and_empties_the_cart()
    {
        var (cart, products) = await CartAsync((10, 2), (5, 1));
        var request = Request(cart);
        var quote = await With(sp => sp.GetRequiredService<ICheckout>().QuoteAsync(cart, Home, "standard", default));
        var result = await PlaceAsync(request with { ExpectedTotal = quote.Total.Amount });

        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        Assert.StartsWith("SF-", result.OrderNumber, StringComparison.Ordinal);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal(quote.Total, order.Total);
        Assert.Equal(products[0].Price * 2 + products[1].Price, order.Subtotal.Amount);
        // Tax: California's 7.25 % on goods and shipping.
        Assert.Equal(Math.Round((order.Subtotal.Amount + order.Shipping.Amount) * 0.0725m, 2, MidpointRounding.AwayFromZero), order.Tax.Amount);
        Assert.Equal(["Placed", "Paid"], order.Timeline.Select(t => t.Status));
        Assert.Equal((order.Total.Amount, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal((8, 0), await StockAsync(products[0].Sku));
        Assert.Equal((4, 0), await StockAsync(products[1].Sku));
        Assert.Empty((await With(sp => sp.GetRequiredService<ICarts>().GetAsync(cart, default))).Lines);

        await store.DrainOutboxAsync();
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CheckoutDbContext>().FulfilmentRequests.CountAsync(f => f.OrderId == order.Id)));
    }

    [Fact]
    public async Task Submitting_the_same_checkout_twice_at_once_gives_one_order_and_one_charge()
    {
        var (cart, products) = await CartAsync((10, 1));
        var request = Request(cart);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PlaceAsync(request))));
        Assert.All(results, r => Assert.Equal(CheckoutOutcome.Completed, r.Outcome));
        Assert.Single(results.Select(r => r.OrderNumber).Distinct());
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(results[0].OrderNumber!, default)))!;
        Assert.Equal((order.Total.Amount, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments.CountAsync(p => p.IdempotencyKey == request.CheckoutId.ToString("N"))));
        Assert.Equal((9, 0), await StockAsync(products[0].Sku));
    }

    [Fact]
    public async Task Two_tabs_checking_out_one_cart_make_one_order()
    {
        var (cart, products) = await CartAsync((10, 1));
        var first = Request(cart);
        var second = Request(cart);
        var results = await Task.WhenAll(Task.Run(() => PlaceAsync(first)), Task.Run(() => PlaceAsync(second)));
        Assert.Single(results, r => r.Outcome == CheckoutOutcome.Completed);
        Assert.Single(results, r => r.Outcome is CheckoutOutcome.InProgress or CheckoutOutcome.CartEmpty);
        var charged = (await MoneyAsync(first.CheckoutId)).Charged + (await MoneyAsync(second.CheckoutId)).Charged;
        Assert.True(charged > 0);
        Assert.Equal(1, await OrdersForAsync(first.CheckoutId) + await OrdersForAsync(second.CheckoutId));
        Assert.Equal((9, 0), await StockAsync(products[0].Sku));
    }

    [Fact]
    public async Task Two_shoppers_and_the_last_unit_make_exactly_one_order_and_the_other_is_not_charged()
    {
        var last = await store.ProductAsync(onHand: 1);
        var carts = new List<Guid>();
        // Each cart got the unit at some point: the first shopper's hold ran out and the second took it.
        for (var i = 0; i < 2; i++)
        {
            var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
            Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, last.Sku, 1, default))).Succeeded);
            await With(sp => sp.GetRequiredService<Storefront.Inventory.Contracts.IStockReservations>().ReleaseAsync(CartHolds.HolderOf(cart), last.Sku, default));
            carts.Add(cart);
        }
        var requests = carts.Select(c => Request(c)).ToList();
        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => PlaceAsync(r))));

        Assert.Single(results, r => r.Outcome == CheckoutOutcome.Completed);
        var loser = Assert.Single(results, r => r.Outcome != CheckoutOutcome.Completed);
        Assert.Equal(CheckoutOutcome.OutOfStock, loser.Outcome);
        Assert.Contains("sold out", English.Of(loser.Problem), StringComparison.Ordinal);
        var loserRequest = requests[Array.IndexOf(results, loser)];
        Assert.Equal((0m, 0m), await MoneyAsync(loserRequest.CheckoutId));
        Assert.Equal((0, 0), await StockAsync(last.Sku));
    }

    [Theory]
    [InlineData(TestPaymentGateway.DeclinedCard, CheckoutOutcome.PaymentDeclined, "Your card was declined.")]
    [InlineData(TestPaymentGateway.ProcessingErrorCard, CheckoutOutcome.PaymentFailed, "An error occurred while processing your card. Nothing was charged; try again in a little while.")]
    [InlineData("4111111111111111", CheckoutOutcome.PaymentDeclined, "This store takes test payments only: use the card 4242 4242 4242 4242.")]
    public async Task A_refused_card_places_nothing_and_the_cart_keeps_its_holds(string card, CheckoutOutcome outcome, string message)
    {
        var (cart, products) = await CartAsync((12, 3));
        var request = Request(cart, card);
        var result = await PlaceAsync(request);
        Assert.Equal((outcome, message), (result.Outcome, English.Of(result.Problem)));
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal(0, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((12, 3), await StockAsync(products[0].Sku));
        // A new attempt with a good card works.
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(Request(cart))).Outcome);
    }

    [Fact]
    public async Task A_card_that_needs_a_retry_is_charged_once_after_the_retry()
    {
        var (cart, _) = await CartAsync((10, 1));
        var request = Request(cart, TestPaymentGateway.RetryCard);
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(request)).Outcome);
        var payment = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments.SingleAsync(p => p.IdempotencyKey == request.CheckoutId.ToString("N")));
        Assert.Equal(("succeeded", 2), (payment.Status, payment.Attempts));
    }

    [Fact]
    public async Task A_total_that_changed_since_the_review_is_not_charged()
    {
        var (cart, _) = await CartAsync((10, 1));
        var request = Request(cart, expectedTotal: 1.00m);
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.TotalChanged, result.Outcome);
        Assert.StartsWith("The total changed from $1.00 to $", English.Of(result.Problem), StringComparison.Ordinal);
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
    }

    [Fact]
    public async Task Bad_addresses_and_card_numbers_are_refused_field_by_field_before_anything_starts()
    {
        var (cart, _) = await CartAsync((10, 1));
        var request = Request(cart, card: "12") with { Email = "nope", ShippingMethod = "teleport", ShippingAddress = Home with { PostalCode = "", Country = "ZZ", Name = " " } };
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
        Assert.Equal(["Country", "Email", "Name", "PaymentMethod", "PostalCode", "ShippingMethod"], result.FieldErrors!.Keys.Order());
        Assert.Equal(0, await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.CountAsync(c => c.Id == request.CheckoutId)));
    }

    [Fact]
    public async Task When_recovery_takes_a_checkout_over_mid_way_the_original_request_stops_and_nothing_is_done_twice()
    {
        var (cart, products) = await CartAsync((10, 2));
        var request = Request(cart);
        // The request has been charged but not yet saved it when its lease runs out and the recovery
        // job takes the checkout over and finishes it.
        var recovered = 0;
        store.Faults.Do(request.CheckoutId, CheckoutStep.AfterCharge, () =>
            recovered = With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)).GetAwaiter().GetResult());
        var result = await PlaceAsync(request);

        Assert.Equal(1, recovered);
        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal((order.Total.Amount, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal((8, 0), await StockAsync(products[0].Sku));
        Assert.Equal(["Placed", "Paid"], order.Timeline.Select(t => t.Status));
        // One "order placed" event: one confirmation e-mail, one fulfilment request.
        var placed = await store.EventPayloadsAsync("checkout.order-placed.v1");
        Assert.Single(placed, p => p.Contains(order.Number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shopper_closing_the_tab_after_the_charge_still_gets_the_order_at_once()
    {
        var (cart, products) = await CartAsync((12, 3));
        var request = Request(cart);
        using var tab = new CancellationTokenSource();
        store.Faults.Do(request.CheckoutId, CheckoutStep.AfterCharge, tab.Cancel);
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(request, tab.Token));

        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        Assert.Equal("completed", await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.Where(c => c.Id == request.CheckoutId).Select(c => c.State).SingleAsync()));
        Assert.Equal((9, 0), await StockAsync(products[0].Sku));
        var (charged, refunded) = await MoneyAsync(request.CheckoutId);
        Assert.True(charged > 0);
        Assert.Equal(0m, refunded);
    }

    [Fact]
    public async Task The_cart_cannot_change_while_its_order_is_placed_and_exactly_what_was_priced_is_taken()
    {
        var (cart, products) = await CartAsync((10, 1));
        var request = Request(cart);
        var duringCheckout = new List<CartChangeResult>();
        // Another tab (or the cart API) tries to change the cart between the price and the charge.
        store.Faults.Do(request.CheckoutId, CheckoutStep.Charge, () =>
        {
            duringCheckout.Add(With(sp => sp.GetRequiredService<ICarts>().SetQuantityAsync(cart, products[0].Sku, 5, default)).GetAwaiter().GetResult());
            duringCheckout.Add(With(sp => sp.GetRequiredService<ICarts>().RemoveAsync(cart, products[0].Sku, default)).GetAwaiter().GetResult());
        });
        var result = await PlaceAsync(request);

        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        Assert.All(duringCheckout, r => Assert.Equal(CartChangeOutcome.Frozen, r.Outcome));
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal(1, order.Lines.Single().Quantity);
        Assert.Equal((9, 0), await StockAsync(products[0].Sku));
        // Once the order is placed the cart is empty and can be used again.
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, products[0].Sku, 1, default))).Succeeded);
    }

    [Fact]
    public async Task A_failed_checkout_unfreezes_the_cart()
    {
        var (cart, products) = await CartAsync((10, 1));
        var result = await PlaceAsync(Request(cart, card: TestPaymentGateway.DeclinedCard));
        Assert.Equal(CheckoutOutcome.PaymentDeclined, result.Outcome);
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().SetQuantityAsync(cart, products[0].Sku, 2, default))).Succeeded);
    }

    [Theory]
    [InlineData("x@")]
    [InlineData("x@y")]
    [InlineData("@example.com")]
    [InlineData("x@.example.com")]
    [InlineData("x@example..com")]
    [InlineData("x y@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("x@-example.com")]
    [InlineData("x@example.c")]
    public async Task An_undeliverable_e_mail_address_is_refused_before_anything_starts(string email)
    {
        var (cart, _) = await CartAsync((10, 1));
        var request = Request(cart) with { Email = email };
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
        Assert.Equal(["Email"], result.FieldErrors!.Keys);
        Assert.Equal(0, await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.CountAsync(c => c.Id == request.CheckoutId)));
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+orders@mail.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("jose@xn--caf-dma.example")]
    public void Ordinary_addresses_are_deliverable(string email) => Assert.True(Storefront.BuildingBlocks.Email.EmailAddress.IsDeliverable(email));

    [Fact]
    public async Task A_failure_creating_the_order_refunds_the_charge_and_releases_the_holds()
    {
        var (cart, products) = await CartAsync((10, 2));
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, CheckoutStep.CreateOrder, CheckoutFault.Fail);
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Refunded, result.Outcome);
        var (charged, refunded) = await MoneyAsync(request.CheckoutId);
        Assert.True(charged > 0);
        Assert.Equal(charged, refunded);
        Assert.Equal(0, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((10, 0), await StockAsync(products[0].Sku));
    }

    [Theory]
    [InlineData(CheckoutStep.CommitStock)]
    [InlineData(CheckoutStep.Complete)]
    public async Task A_failure_after_the_order_refunds_restocks_and_marks_the_order_refunded(CheckoutStep step)
    {
        var (cart, products) = await CartAsync((10, 2), (4, 1));
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, step, CheckoutFault.Fail);
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Refunded, result.Outcome);
        var (charged, refunded) = await MoneyAsync(request.CheckoutId);
        Assert.Equal(charged, refunded);
        var order = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.Include(o => o.History).SingleAsync(o => o.CheckoutId == request.CheckoutId));
        Assert.Equal(("Cancelled", "Full"), (order.Status, order.RefundState));
        Assert.Equal(["Placed", "Paid", "Cancelled", "Refunded"], order.History.OrderBy(h => h.Id).Select(h => h.Status));
        Assert.Equal((10, 0), await StockAsync(products[0].Sku));
        Assert.Equal((4, 0), await StockAsync(products[1].Sku));
    }

    [Fact]
    public async Task A_checkout_killed_right_after_the_charge_is_finished_by_the_recovery_job()
    {
        var (cart, products) = await CartAsync((10, 2));
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, CheckoutStep.AfterCharge, CheckoutFault.Crash);
        await Assert.ThrowsAsync<CheckoutInterruptedException>(() => PlaceAsync(request));
        var charged = (await MoneyAsync(request.CheckoutId)).Charged;
        Assert.True(charged > 0);
        Assert.Equal(0, await OrdersForAsync(request.CheckoutId));

        Assert.Equal(1, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((charged, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal((8, 0), await StockAsync(products[0].Sku));
        // The shopper's retry after the crash gets the finished order, not a second charge.
        var retry = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Completed, retry.Outcome);
        Assert.Equal((charged, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal(0, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));
    }

    [Fact]
    public async Task A_checkout_killed_before_its_charge_reached_the_provider_ends_without_a_charge()
    {
        var (cart, products) = await CartAsync((10, 1));
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, CheckoutStep.Charge, CheckoutFault.Crash);
        await Assert.ThrowsAsync<CheckoutInterruptedException>(() => PlaceAsync(request));
        Assert.Equal(1, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));
        var saga = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.AsNoTracking().SingleAsync(c => c.Id == request.CheckoutId));
        Assert.Equal(("failed", "The checkout was interrupted before payment. Nothing was charged."), (saga.State, English.Of(ProblemJson.Read(saga.Message))));
        Assert.Equal((0m, 0m), await MoneyAsync(request.CheckoutId));
        Assert.Equal((10, 1), await StockAsync(products[0].Sku));
    }

    [Fact]
    public async Task A_checkout_that_ended_before_problems_were_stored_shows_its_words_as_they_are()
    {
        var (cart, _) = await CartAsync((10, 1));
        var request = Request(cart);
        await With(async sp =>
        {
            var db = sp.GetRequiredService<CheckoutDbContext>();
            db.Checkouts.Add(new CheckoutRecord
            {
                Id = request.CheckoutId, CartId = cart, Email = request.Email, State = "failed", Outcome = nameof(CheckoutOutcome.PaymentDeclined),
                Message = "Your card was declined by an older release.", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        var result = await PlaceAsync(request);
        Assert.Equal((CheckoutOutcome.PaymentDeclined, "Your card was declined by an older release."), (result.Outcome, English.Of(result.Problem)));
    }

    [Fact]
    public async Task A_checkout_killed_while_ordering_is_recovered_to_exactly_one_order()
    {
        var (cart, products) = await CartAsync((10, 1));
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, CheckoutStep.CommitStock, CheckoutFault.Crash);
        await Assert.ThrowsAsync<CheckoutInterruptedException>(() => PlaceAsync(request));
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default));
        Assert.Equal(1, await OrdersForAsync(request.CheckoutId));
        Assert.Equal((9, 0), await StockAsync(products[0].Sku));
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(request)).Outcome);
    }

    [Theory]
    [InlineData(3, 5.49)]
    [InlineData(5, 9.49)]
    [InlineData(21, 19.99)]
    public async Task Parcel_post_is_priced_by_weight(int quantity, double price)
    {
        // Demo products have no "weight_kg" attribute, so each counts Checkout:DefaultItemWeightKg (0.5 kg).
        var (cart, _) = await CartAsync((100, quantity));
        var quote = await With(sp => sp.GetRequiredService<ICheckout>().QuoteAsync(cart, Home, "parcel", default));
        Assert.Equal(quantity * 0.5m, quote.WeightKg);
        Assert.Equal((decimal)price, quote.Shipping.Amount);
        var choices = await With(sp => Task.FromResult(sp.GetRequiredService<ICheckout>().ShippingChoices(quote.Subtotal, quote.WeightKg)));
        Assert.Equal((decimal)price, choices.Single(c => c.Code == "parcel").Price.Amount);
    }

    [Fact]
    public async Task A_hold_that_ran_out_before_payment_is_taken_again_when_the_stock_is_still_there()
    {
        var (cart, products) = await CartAsync((10, 2));
        await With(sp => sp.GetRequiredService<Storefront.Inventory.Contracts.IStockReservations>().ReleaseAsync(CartHolds.HolderOf(cart), products[0].Sku, default));
        var request = Request(cart);
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(request)).Outcome);
        Assert.Equal((8, 0), await StockAsync(products[0].Sku));
    }
}
