using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

public sealed class ReturnsFixture : ShopFixture;

/// <summary>
/// Returns of shipped orders: what can be returned and until when, the amount (the products as
/// paid), one request per press, and the merchant's steps, each once however often pressed.
/// </summary>
public sealed class ReturnTests(ReturnsFixture store) : IClassFixture<ReturnsFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<T> Returns<T>(Func<IReturns, Task<T>> action) => With(sp => action(sp.GetRequiredService<IReturns>()));

    /// <summary>An order of two products (3 and 1 of them), paid with the test card, moved to <paramref name="status"/>.</summary>
    private async Task<(OrderView Order, ShopFixture.TestProduct Three, ShopFixture.TestProduct One)> OrderAsync(string status = "Shipped")
    {
        var three = await store.ProductAsync(onHand: 20);
        var one = await store.ProductAsync(onHand: 20);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, three.Sku, 3, default));
        await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, one.Sku, 1, default));
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            $"returner-{Guid.NewGuid():N}@example.test", new Address("Ria Returner", "9 Elm St", null, "Albany", "NY", "12207", "US"), "express",
            TestPaymentGateway.SuccessCard), default));
        Assert.True(result.Succeeded, English.Of(result.Problem));
        foreach (var step in new[] { "Packed", "Shipped", "Delivered" })
        {
            if (status == "Paid") break;
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().MoveAsync(result.OrderNumber!, step, "UPS", "1Z9", "admin", default))).Succeeded);
            if (step == status) break;
        }
        return ((await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!, three, one);
    }

    private Task<OrderView> ReloadAsync(string number) => With(async sp => (await sp.GetRequiredService<IOrders>().GetAsync(number, default))!);

    private Task<OrderChangeResult> RequestAsync(string number, Dictionary<string, int> quantities, string reason = "Too small", string actor = "customer") =>
        Returns(r => r.RequestAsync(number, quantities, reason, actor, default));

    private async Task<ReturnView> OnlyReturnAsync(string number) => Assert.Single(await Returns(r => r.ForOrderAsync(number, default)));

    [Fact]
    public async Task A_shipped_orders_products_can_be_returned_up_to_what_was_bought_and_the_amount_is_what_they_cost_as_paid()
    {
        var (order, three, one) = await OrderAsync();
        var returnable = (await Returns(r => r.ReturnableAsync(order.Number, default)))!;
        Assert.True(returnable.CanReturn);
        Assert.Equal([(three.Sku, 3, 3), (one.Sku, 1, 1)], returnable.Lines.Select(l => (l.Sku, l.Bought, l.Returnable)).OrderByDescending(l => l.Bought));
        Assert.InRange(returnable.Until!.Value, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        var tooMany = await RequestAsync(order.Number, new() { [three.Sku] = 4 });
        Assert.False(tooMany.Succeeded);
        Assert.Equal($"At most 3 of “{three.Title}” can be returned.", English.Of(tooMany.Outcome));
        Assert.Equal("That product is not in this order.", English.Of((await RequestAsync(order.Number, new() { ["NOT-IN-IT"] = 1 })).Outcome));
        Assert.Equal("Choose how many of at least one product to return.", English.Of((await RequestAsync(order.Number, new() { [three.Sku] = 0 })).Outcome));
        Assert.False((await RequestAsync(order.Number, new() { [three.Sku] = 1 }, reason: " ")).Succeeded);
        Assert.False((await RequestAsync(order.Number, new() { [three.Sku] = 1 }, reason: new string('x', 501))).Succeeded);
        Assert.Empty(await Returns(r => r.ForOrderAsync(order.Number, default)));

        var asked = await RequestAsync(order.Number, new() { [three.Sku] = 2 }, "Wrong size");
        Assert.True(asked.Succeeded);
        var made = await OnlyReturnAsync(order.Number);
        Assert.Equal(($"{order.Number}-R1", "Requested", "Wrong size"), (made.Number, made.Status, made.Reason));
        Assert.Equal($"Your return {made.Number} is requested. We will e-mail you when it is approved, with where to send the products.", English.Of(asked.Outcome));
        // Two of three at their price, with the order's tax on them (the total less shipping, over the subtotal).
        var goods = order.Total.Amount - order.Shipping.Amount;
        Assert.Equal(decimal.Round(2 * three.Price * goods / order.Subtotal.Amount, 2, MidpointRounding.AwayFromZero), made.Amount.Amount);

        // What is in a return cannot be asked for again; the rest can.
        var left = (await Returns(r => r.ReturnableAsync(order.Number, default)))!;
        Assert.Equal(1, left.Lines.Single(l => l.Sku == three.Sku).Returnable);
        Assert.False((await RequestAsync(order.Number, new() { [three.Sku] = 2 }, "Again")).Succeeded);
        Assert.True((await RequestAsync(order.Number, new() { [three.Sku] = 1, [one.Sku] = 1 }, "All of it")).Succeeded);
        var nothing = (await Returns(r => r.ReturnableAsync(order.Number, default)))!;
        Assert.Equal("Every product of this order is in a return already.", English.Of(nothing.Why));
        Assert.Equal(2, (await Returns(r => r.ForOrderAsync(order.Number, default))).Count);
    }

    [Fact]
    public async Task An_order_not_shipped_yet_or_shipped_too_long_ago_cannot_be_returned()
    {
        var (paid, three, _) = await OrderAsync(status: "Paid");
        var notYet = (await Returns(r => r.ReturnableAsync(paid.Number, default)))!;
        Assert.Equal("Products can be returned once the order has shipped. Until it is packed, you can cancel it instead.", English.Of(notYet.Why));
        Assert.False((await RequestAsync(paid.Number, new() { [three.Sku] = 1 })).Succeeded);
        Assert.Null(await Returns(r => r.ReturnableAsync("SF-NOPE-NOPE-NOPE", default)));
        Assert.Equal("There is no such order.", English.Of((await RequestAsync("SF-NOPE-NOPE-NOPE", new() { ["X"] = 1 })).Outcome));

        var (old, oldThree, _) = await OrderAsync(status: "Delivered");
        await With(async sp => await sp.GetRequiredService<CheckoutDbContext>().Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE checkout.order_status_changes SET at = at - interval '31 days' WHERE order_id = {old.Id}"));
        var closed = (await Returns(r => r.ReturnableAsync(old.Number, default)))!;
        Assert.StartsWith("Products can be returned within 30 days of delivery; for this order that ended on ", English.Of(closed.Why), StringComparison.Ordinal);
        Assert.False((await RequestAsync(old.Number, new() { [oldThree.Sku] = 1 })).Succeeded);
        Assert.Empty(await Returns(r => r.ForOrderAsync(old.Number, default)));
    }

    [Fact]
    public async Task Six_presses_of_the_same_request_at_once_make_one_return_and_different_ones_never_take_more_than_was_bought()
    {
        var (order, three, _) = await OrderAsync();
        var presses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RequestAsync(order.Number, new() { [three.Sku] = 2 }, "Double click")));
        Assert.All(presses, p => Assert.True(p.Succeeded));
        Assert.Single(presses.Select(p => English.Of(p.Outcome)).Distinct());
        Assert.Equal(2, (await OnlyReturnAsync(order.Number)).Lines.Single().Quantity);

        // Different requests at once (two tabs, different reasons): together never more than the 3 bought.
        var (other, otherThree, _) = await OrderAsync();
        var tabs = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => RequestAsync(other.Number, new() { [otherThree.Sku] = 2 }, $"Tab {i}")));
        Assert.Single(tabs, t => t.Succeeded);
        Assert.Equal(2, (await Returns(r => r.ForOrderAsync(other.Number, default))).Sum(r => r.Lines.Sum(l => l.Quantity)));
    }

    [Fact]
    public async Task The_merchant_approves_then_refunds_with_the_products_back_in_stock_once_however_often_pressed()
    {
        var (order, three, one) = await OrderAsync();
        var stockBefore = await store.AvailableAsync(three.Sku);
        Assert.True((await RequestAsync(order.Number, new() { [three.Sku] = 2, [one.Sku] = 1 })).Succeeded);
        var made = await OnlyReturnAsync(order.Number);
        Assert.Contains(await Returns(r => r.ListAsync(null, 100, default)), r => r.Id == made.Id);

        Assert.True((await Returns(r => r.ApproveAsync(made.Id, "merchant@shop.test", default))).Succeeded);
        var again = await Returns(r => r.ApproveAsync(made.Id, "merchant@shop.test", default));
        Assert.Equal($"Return {made.Number} is approved already; nothing changed.", English.Of(again.Outcome));

        // Two merchants press "Refund" at once, three times each.
        var presses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Returns(r => r.RefundAsync(made.Id, restock: true, "merchant@shop.test", default))));
        Assert.Contains(presses, p => p.Succeeded && p.Outcome.Code == CheckoutProblems.ReturnRefunded);
        var after = await ReloadAsync(order.Number);
        Assert.Equal(made.Amount.Amount, after.Refunded.Amount);
        Assert.Equal("Partial", after.RefundState);
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CheckoutDbContext>().OrderRefunds.CountAsync(r => r.OrderId == order.Id)));
        Assert.Equal(stockBefore + 2, await store.AvailableAsync(three.Sku));
        var refunded = await OnlyReturnAsync(order.Number);
        Assert.Equal(("Refunded", true), (refunded.Status, refunded.Restocked));
        Assert.DoesNotContain(await Returns(r => r.ListAsync(null, 100, default)), r => r.Id == made.Id);
        Assert.Contains(await Returns(r => r.ListAsync("Refunded", 100, default)), r => r.Id == made.Id);

        // A refunded return cannot be declined afterwards, nor refunded again.
        Assert.False((await Returns(r => r.DeclineAsync(made.Id, "Too late", "merchant@shop.test", default))).Succeeded);
        Assert.False((await Returns(r => r.RefundAsync(made.Id, true, "merchant@shop.test", default))).Succeeded);
        Assert.Equal(stockBefore + 2, await store.AvailableAsync(three.Sku));
        Assert.Equal(made.Amount.Amount, (await ReloadAsync(order.Number)).Refunded.Amount);
    }

    [Fact]
    public async Task A_refund_the_provider_refused_can_be_pressed_again_and_goes_through_once_the_provider_takes_it()
    {
        var (order, three, _) = await OrderAsync();
        Assert.True((await RequestAsync(order.Number, new() { [three.Sku] = 1 })).Succeeded);
        var made = await OnlyReturnAsync(order.Number);
        async Task<int> ChargeAsync(string status) => await With(sp => sp.GetRequiredService<CheckoutDbContext>().Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE checkout.test_gateway_payments SET status = {status} WHERE payment_id = {order.PaymentId} AND kind = 'charge'"));

        // The provider refuses (here: it no longer knows the charge): nothing refunded, the return waits, approved.
        Assert.Equal(1, await ChargeAsync("failed"));
        var refused = await Returns(r => r.RefundAsync(made.Id, false, "merchant@shop.test", default));
        Assert.False(refused.Succeeded);
        Assert.StartsWith($"Return {made.Number} was not refunded: ", English.Of(refused.Outcome), StringComparison.Ordinal);
        Assert.Equal("Approved", (await OnlyReturnAsync(order.Number)).Status);
        Assert.Equal(0, (await ReloadAsync(order.Number)).Refunded.Amount);

        // The provider is fine again: the next press refunds it, once.
        Assert.Equal(1, await ChargeAsync("succeeded"));
        var presses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Returns(r => r.RefundAsync(made.Id, false, "merchant@shop.test", default))));
        Assert.Contains(presses, p => p.Succeeded && p.Outcome.Code == CheckoutProblems.ReturnRefunded);
        Assert.Equal("Refunded", (await OnlyReturnAsync(order.Number)).Status);
        Assert.Equal(made.Amount.Amount, (await ReloadAsync(order.Number)).Refunded.Amount);
    }

    [Fact]
    public async Task A_decline_and_a_refund_pressed_at_once_never_leave_a_declined_return_refunded()
    {
        for (var round = 0; round < 4; round++)
        {
            var (order, three, _) = await OrderAsync();
            Assert.True((await RequestAsync(order.Number, new() { [three.Sku] = 1 })).Succeeded);
            var made = await OnlyReturnAsync(order.Number);
            var both = await Task.WhenAll(
                Returns(r => r.DeclineAsync(made.Id, "Worn", "one@shop.test", default)),
                Returns(r => r.RefundAsync(made.Id, false, "two@shop.test", default)));
            Assert.Single(both, b => b.Succeeded);
            var end = await OnlyReturnAsync(order.Number);
            var money = (await ReloadAsync(order.Number)).Refunded.Amount;
            Assert.True(end.Status == "Declined" ? money == 0 : end.Status == "Refunded" && money == made.Amount.Amount, $"{end.Status} with {money} refunded");
        }
    }

    [Fact]
    public async Task A_declined_return_says_why_and_its_products_can_be_asked_for_again()
    {
        var (order, three, _) = await OrderAsync();
        Assert.True((await RequestAsync(order.Number, new() { [three.Sku] = 3 })).Succeeded);
        var made = await OnlyReturnAsync(order.Number);
        var blank = await Returns(r => r.DeclineAsync(made.Id, " ", "merchant@shop.test", default));
        Assert.Equal(("Note", "Write the customer a line on why: the e-mail tells them."), (blank.Field, English.Of(blank.Outcome)));
        Assert.True((await Returns(r => r.DeclineAsync(made.Id, "These were worn outdoors.", "merchant@shop.test", default))).Succeeded);
        var declined = await OnlyReturnAsync(order.Number);
        Assert.Equal(("Declined", "These were worn outdoors.", "merchant@shop.test"), (declined.Status, declined.Note, declined.DecidedBy));
        Assert.Equal(0, (await ReloadAsync(order.Number)).Refunded.Amount);
        Assert.Equal(3, (await Returns(r => r.ReturnableAsync(order.Number, default)))!.Lines.Single(l => l.Sku == three.Sku).Returnable);
        Assert.Equal(["Declined", "Requested"], (await store.EventPayloadsAsync("checkout.return-changed.v1"))
            .Where(p => p.Contains(made.Number, StringComparison.Ordinal))
            .Select(p => System.Text.Json.JsonDocument.Parse(p).RootElement.GetProperty("status").GetString()).Distinct().Order());
    }
}
