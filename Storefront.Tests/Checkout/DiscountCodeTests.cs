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

/// <summary>Discount codes at checkout: what they take off, when they are refused, and their limits under concurrent checkouts.</summary>
public sealed class DiscountCodeTests(CheckoutStoreFixture store) : IClassFixture<CheckoutStoreFixture>
{
    private static readonly Address Home = new("Ada Shopper", "1 Market Street", null, "San Francisco", "CA", "94105", "US");
    private const decimal CaliforniaTax = 0.0725m;

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private static string NewCode(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}".ToUpperInvariant();

    private async Task<string> CodeAsync(DiscountInput input)
    {
        var result = await With(sp => sp.GetRequiredService<IDiscountCodes>().CreateAsync(input, default));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {English.Of(e.Value)}")));
        return DiscountCodeText.Normalize(input.Code);
    }

    private async Task<Guid> CartAsync(ShopFixture.TestProduct product, int quantity)
    {
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        var added = await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, quantity, default));
        Assert.True(added.Succeeded, English.Of(added.Problem));
        return cart;
    }

    private static CheckoutRequest Request(Guid cart, string? code, string email = "ada@example.test", string card = TestPaymentGateway.SuccessCard) =>
        new(Guid.NewGuid(), cart, null, email, Home, "standard", card, DiscountCode: code);

    private Task<CheckoutResult> PlaceAsync(CheckoutRequest request) =>
        With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(request, default));

    private Task<Quote> QuoteAsync(Guid cart, string? code) => With(sp => sp.GetRequiredService<ICheckout>().QuoteAsync(cart, Home, "standard", code, default));

    private Task<DiscountView> ViewAsync(string code) => With(async sp => (await sp.GetRequiredService<IDiscountCodes>().GetAsync(code, default))!);

    private Task<int> RedemptionsAsync(string code) => With(sp =>
        sp.GetRequiredService<CheckoutDbContext>().DiscountRedemptions.CountAsync(r =>
            sp.GetRequiredService<CheckoutDbContext>().Discounts.Any(d => d.Id == r.DiscountId && d.Code == code)));

    private static decimal Tax(decimal amount) => Math.Round(amount * CaliforniaTax, 2, MidpointRounding.AwayFromZero);

    [Fact]
    public async Task A_percentage_code_takes_off_the_goods_and_tax_is_on_what_is_left()
    {
        var product = await store.ProductAsync(onHand: 100);
        var cart = await CartAsync(product, 3);
        var code = await CodeAsync(new DiscountInput(NewCode("ten").ToLowerInvariant(), DiscountKind.Percent, 10));

        var subtotal = product.Price * 3;
        var off = Math.Round(subtotal * 0.10m, 2, MidpointRounding.AwayFromZero);
        // Shipping is priced on the goods before the discount, as the shipping choices show it.
        var shipping = subtotal >= 50m ? 0m : 4.99m;
        var total = subtotal - off + shipping + Tax(subtotal - off + shipping);

        var quote = await QuoteAsync(cart, " " + code.ToLowerInvariant() + " ");
        Assert.Null(quote.DiscountProblem);
        Assert.Equal((code, off, total), (quote.DiscountCode, quote.Discount!.Value.Amount, quote.Total.Amount));

        var request = Request(cart, code.ToLowerInvariant()) with { ExpectedTotal = total };
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal((code, off, subtotal, total), (order.DiscountCode, order.Discount!.Value.Amount, order.Subtotal.Amount, order.Total.Amount));
        Assert.Equal((total, 0m), await CheckoutLedger.MoneyAsync(store.ConnectionString, request.CheckoutId));
        Assert.Equal(1, (await ViewAsync(code)).Used);
    }

    [Fact]
    public async Task An_amount_code_never_takes_more_than_the_goods_and_an_order_it_pays_in_full_is_charged_nothing()
    {
        var product = await store.ProductAsync(onHand: 1000);
        var quantity = product.Price >= 50m ? 1 : (int)Math.Ceiling(50m / product.Price);
        var cart = await CartAsync(product, quantity);
        var code = await CodeAsync(new DiscountInput(NewCode("gift"), DiscountKind.Amount, 99_999m));

        var quote = await QuoteAsync(cart, code);
        Assert.Equal((product.Price * quantity, 0m, 0m, 0m), (quote.Discount!.Value.Amount, quote.Shipping.Amount, quote.Tax.Amount, quote.Total.Amount));

        // Shown a total of 0, the shopper gives no card.
        var request = Request(cart, code, card: "") with { ExpectedTotal = 0m };
        var result = await PlaceAsync(request);
        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.Equal(0m, order.Total.Amount);
        Assert.Null(order.PaymentId);
        // Nothing was asked of the provider, and nothing can be refunded.
        Assert.Equal((0m, 0m), await CheckoutLedger.MoneyAsync(store.ConnectionString, request.CheckoutId));
        Assert.Equal(0m, order.Actions.Refundable.Amount);
        Assert.Equal((1000 - quantity, 0), await CheckoutLedger.StockAsync(store.ConnectionString, product.Sku));
    }

    [Fact]
    public async Task Only_an_order_that_costs_nothing_goes_without_a_card()
    {
        var product = await store.ProductAsync(onHand: 100);
        var cart = await CartAsync(product, 1);

        // Without a total shown, or with one above 0, no card is refused before anything happens.
        foreach (var shown in new decimal?[] { null, 1m })
        {
            var refused = await PlaceAsync(Request(cart, null, card: "") with { ExpectedTotal = shown });
            Assert.Equal(CheckoutOutcome.Invalid, refused.Outcome);
            Assert.True(refused.FieldErrors!.ContainsKey("PaymentMethod"));
        }

        // A shopper who claims a total of 0 for a cart that costs something is told the total, and nothing happens.
        var claimed = Request(cart, null, card: "") with { ExpectedTotal = 0m };
        var result = await PlaceAsync(claimed);
        Assert.Equal(CheckoutOutcome.TotalChanged, result.Outcome);
        Assert.Null(result.OrderNumber);
        Assert.Equal((0m, 0m), await CheckoutLedger.MoneyAsync(store.ConnectionString, claimed.CheckoutId));
        Assert.Equal(100, (await CheckoutLedger.StockAsync(store.ConnectionString, product.Sku)).OnHand);

        // The same cart with a card goes through.
        var paid = await PlaceAsync(Request(cart, null));
        Assert.Equal(CheckoutOutcome.Completed, paid.Outcome);
    }

    [Fact]
    public async Task A_code_that_cannot_be_used_is_refused_beside_its_field_nothing_is_charged_and_the_order_goes_through_without_it()
    {
        var product = await store.ProductAsync(onHand: 10);
        var cart = await CartAsync(product, 1);
        var now = DateTimeOffset.UtcNow;
        var ended = await CodeAsync(new DiscountInput(NewCode("ended"), DiscountKind.Percent, 5));
        Assert.True(await With(sp => sp.GetRequiredService<IDiscountCodes>().SetActiveAsync(ended, false, default)));
        var cases = new (string Code, string Problem)[]
        {
            ("NO-SUCH-CODE", CheckoutProblems.DiscountUnknown),
            (ended, CheckoutProblems.DiscountOver),
            (await CodeAsync(new DiscountInput(NewCode("late"), DiscountKind.Percent, 5, StartsAt: now.AddDays(1))), CheckoutProblems.DiscountNotYet),
            (await CodeAsync(new DiscountInput(NewCode("past"), DiscountKind.Percent, 5, EndsAt: now.AddMinutes(-1), StartsAt: now.AddDays(-2))), CheckoutProblems.DiscountOver),
            (await CodeAsync(new DiscountInput(NewCode("big"), DiscountKind.Amount, 5, MinimumSubtotal: product.Price + 0.01m)), CheckoutProblems.DiscountMinimum),
        };
        foreach (var (code, problem) in cases)
        {
            Assert.Equal(problem, (await QuoteAsync(cart, code)).DiscountProblem?.Code);
            var request = Request(cart, code);
            var result = await PlaceAsync(request);
            Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
            Assert.Equal(problem, result.FieldErrors!["DiscountCode"].Code);
            Assert.Equal((0m, 0m), await CheckoutLedger.MoneyAsync(store.ConnectionString, request.CheckoutId));
        }
        // Codes that are not codes at all never reach the database.
        var silly = await PlaceAsync(Request(cart, "'; DROP TABLE x; --"));
        Assert.Equal(CheckoutProblems.DiscountUnknown, silly.FieldErrors!["DiscountCode"].Code);
        Assert.Equal(0, (await ViewAsync(ended)).Used);

        // The cart was not left frozen: without a code, the order is placed.
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(Request(cart, null))).Outcome);
    }

    [Fact]
    public async Task A_code_for_three_orders_used_by_eight_shoppers_at_once_makes_exactly_three_discounted_orders()
    {
        var product = await store.ProductAsync(onHand: 100);
        var code = await CodeAsync(new DiscountInput(NewCode("three"), DiscountKind.Percent, 20, UsageLimit: 3));
        var carts = new List<Guid>();
        for (var i = 0; i < 8; i++) carts.Add(await CartAsync(product, 1));

        var results = await Task.WhenAll(carts.Select((cart, i) => Task.Run(() => PlaceAsync(Request(cart, code, $"shopper{i}@example.test")))));

        Assert.Equal(3, results.Count(r => r.Outcome == CheckoutOutcome.Completed));
        Assert.All(results.Where(r => r.Outcome != CheckoutOutcome.Completed),
            r => Assert.Equal(CheckoutProblems.DiscountUsedUp, r.FieldErrors!["DiscountCode"].Code));
        Assert.Equal(3, (await ViewAsync(code)).Used);
        Assert.Equal(3, await RedemptionsAsync(code));
        var discounted = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.Where(o => o.DiscountCode == code).ToListAsync());
        Assert.Equal(3, discounted.Count);
        // The merchant's list counts what the code brought: the orders, what it gave, what they came to.
        var listed = (await With(sp => sp.GetRequiredService<IDiscountCodes>().ListAsync(default))).Single(d => d.Code == code);
        Assert.Equal((3, discounted.Sum(o => o.Discount), discounted.Sum(o => o.Total)), (listed.Orders, listed.Given!.Value.Amount, listed.Sales!.Value.Amount));
        // A cancelled one no longer counts as brought (its use stays spent).
        var number = discounted[0].Number;
        Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().CancelAsync(number, "admin", default))).Succeeded);
        listed = (await With(sp => sp.GetRequiredService<IDiscountCodes>().ListAsync(default))).Single(d => d.Code == code);
        Assert.Equal((2, 3), (listed.Orders, listed.Used));
        Assert.Equal(DiscountState.UsedUp, (await ViewAsync(code)).StateAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_once_per_customer_code_gives_one_address_one_order_even_from_four_carts_at_once()
    {
        var product = await store.ProductAsync(onHand: 100);
        var code = await CodeAsync(new DiscountInput(NewCode("once"), DiscountKind.Amount, 2.50m, OncePerCustomer: true));
        var carts = new List<Guid>();
        for (var i = 0; i < 4; i++) carts.Add(await CartAsync(product, 1));

        // The same person in any case of the address.
        var results = await Task.WhenAll(carts.Select((cart, i) => Task.Run(() => PlaceAsync(Request(cart, code, i % 2 == 0 ? "Twice@Example.test" : "twice@example.test")))));

        Assert.Single(results, r => r.Outcome == CheckoutOutcome.Completed);
        Assert.All(results.Where(r => r.Outcome != CheckoutOutcome.Completed),
            r => Assert.Equal(CheckoutProblems.DiscountAlreadyUsed, r.FieldErrors!["DiscountCode"].Code));
        // Another customer still can.
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(Request(await CartAsync(product, 1), code, "other@example.test"))).Outcome);
        Assert.Equal(2, (await ViewAsync(code)).Used);
    }

    [Fact]
    public async Task A_declined_card_or_a_checkout_refunded_after_its_charge_gives_the_use_back()
    {
        var product = await store.ProductAsync(onHand: 100);
        var code = await CodeAsync(new DiscountInput(NewCode("last"), DiscountKind.Percent, 15, UsageLimit: 1));

        var declined = await PlaceAsync(Request(await CartAsync(product, 1), code, card: TestPaymentGateway.DeclinedCard));
        Assert.Equal(CheckoutOutcome.PaymentDeclined, declined.Outcome);
        Assert.Equal(0, (await ViewAsync(code)).Used);

        var failing = Request(await CartAsync(product, 1), code);
        store.Faults.At(failing.CheckoutId, CheckoutStep.CreateOrder, CheckoutFault.Fail);
        Assert.Equal(CheckoutOutcome.Refunded, (await PlaceAsync(failing)).Outcome);
        Assert.Equal(0, (await ViewAsync(code)).Used);
        Assert.Equal(0, await RedemptionsAsync(code));

        // The one use is still there for the next shopper.
        Assert.Equal(CheckoutOutcome.Completed, (await PlaceAsync(Request(await CartAsync(product, 1), code))).Outcome);
        Assert.Equal(1, (await ViewAsync(code)).Used);
    }

    [Fact]
    public async Task A_checkout_killed_after_taking_its_use_gives_it_back_when_recovery_ends_it()
    {
        var product = await store.ProductAsync(onHand: 100);
        var code = await CodeAsync(new DiscountInput(NewCode("crash"), DiscountKind.Percent, 15, UsageLimit: 1));
        var request = Request(await CartAsync(product, 1), code);
        // Killed between pricing (the use is taken) and the charge.
        store.Faults.At(request.CheckoutId, CheckoutStep.Charge, CheckoutFault.Crash);
        await Assert.ThrowsAsync<CheckoutInterruptedException>(() => PlaceAsync(request));
        Assert.Equal(1, (await ViewAsync(code)).Used);

        Assert.Equal(1, await With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default)));
        var outcome = await With(sp => sp.GetRequiredService<ICheckout>().OutcomeAsync(request.CheckoutId, default));
        Assert.NotEqual(CheckoutOutcome.Completed, outcome!.Outcome);
        Assert.Equal((0m, 0m), await CheckoutLedger.MoneyAsync(store.ConnectionString, request.CheckoutId));
        Assert.Equal(0, (await ViewAsync(code)).Used);
        Assert.Equal(0, await RedemptionsAsync(code));
    }

    [Fact]
    public async Task Merchants_get_a_message_for_each_bad_value_and_one_code_however_they_race()
    {
        var codes = store.Services.GetRequiredService<IServiceScopeFactory>();
        async Task<DiscountChangeResult> Create(DiscountInput input)
        {
            using var scope = codes.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<IDiscountCodes>().CreateAsync(input, default);
        }
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(CheckoutProblems.DiscountCodeFormat, (await Create(new DiscountInput("a b", DiscountKind.Percent, 10))).Errors["Code"].Code);
        Assert.Equal(CheckoutProblems.DiscountCodeFormat, (await Create(new DiscountInput(new string('X', 33), DiscountKind.Percent, 10))).Errors["Code"].Code);
        Assert.Equal(CheckoutProblems.DiscountPercentRange, (await Create(new DiscountInput("PCT-0", DiscountKind.Percent, 0))).Errors["Value"].Code);
        Assert.Equal(CheckoutProblems.DiscountPercentRange, (await Create(new DiscountInput("PCT-150", DiscountKind.Percent, 150))).Errors["Value"].Code);
        Assert.Equal(CheckoutProblems.DiscountPercentRange, (await Create(new DiscountInput("PCT-HALF", DiscountKind.Percent, 12.5m))).Errors["Value"].Code);
        Assert.Equal(CheckoutProblems.DiscountAmountRange, (await Create(new DiscountInput("AMT-NEG", DiscountKind.Amount, -5))).Errors["Value"].Code);
        Assert.Equal(CheckoutProblems.DiscountAmountRange, (await Create(new DiscountInput("AMT-CENTS", DiscountKind.Amount, 1.005m))).Errors["Value"].Code);
        Assert.Equal(CheckoutProblems.DiscountMinimumRange, (await Create(new DiscountInput("MIN-NEG", DiscountKind.Amount, 5, MinimumSubtotal: -1))).Errors["MinimumSubtotal"].Code);
        Assert.Equal(CheckoutProblems.DiscountEndBeforeStart, (await Create(new DiscountInput("BACKWARDS", DiscountKind.Amount, 5, StartsAt: now, EndsAt: now.AddHours(-1)))).Errors["EndsAt"].Code);
        Assert.Equal(CheckoutProblems.DiscountLimitRange, (await Create(new DiscountInput("LIMIT-0", DiscountKind.Amount, 5, UsageLimit: 0))).Errors["UsageLimit"].Code);
        Assert.Empty(await With(sp => sp.GetRequiredService<CheckoutDbContext>().Discounts.Where(d => d.Code.StartsWith("PCT-") || d.Code.StartsWith("AMT-")).ToListAsync()));

        // Two merchants create the same code, in different cases, at once: one code, and the other is told.
        var code = NewCode("race");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Create(new DiscountInput(i % 2 == 0 ? code : code.ToLowerInvariant(), DiscountKind.Percent, 10 + i)))));
        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(CheckoutProblems.DiscountCodeTaken, r.Errors["Code"].Code));
        Assert.Single(await With(sp => sp.GetRequiredService<CheckoutDbContext>().Discounts.Where(d => d.Code == code).ToListAsync()));
    }
}
