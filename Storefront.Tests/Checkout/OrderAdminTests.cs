using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Payments;
using Storefront.Tests.Web;

namespace Storefront.Tests.Checkout;

public sealed class OrderAdminTests(CheckoutStoreFixture store) : IClassFixture<CheckoutStoreFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<(OrderView Order, ShopFixture.TestProduct Product)> OrderAsync(int onHand = 10, int quantity = 2)
    {
        var product = await store.ProductAsync(onHand);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, quantity, default));
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            $"buyer-{Guid.NewGuid():N}@example.test", new Address("Lin Buyer", "9 Elm St", null, "Albany", "NY", "12207", "US"), "express",
            TestPaymentGateway.SuccessCard), default));
        Assert.True(result.Succeeded, result.Message);
        return ((await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!, product);
    }

    private Task<OrderChangeResult> Admin(Func<IOrderAdmin, Task<OrderChangeResult>> action) =>
        With(sp => action(sp.GetRequiredService<IOrderAdmin>()));

    private Task<OrderView> ReloadAsync(string number) =>
        With(async sp => (await sp.GetRequiredService<IOrders>().GetAsync(number, default))!);

    [Fact]
    public async Task An_order_moves_paid_packed_shipped_delivered_and_the_shopper_is_emailed_each_step()
    {
        var (order, _) = await OrderAsync();
        Assert.False((await Admin(a => a.MoveAsync(order.Number, "Shipped", "UPS", "1Z999", "admin", default))).Succeeded);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Packed", null, null, "admin", default))).Succeeded);
        var noTracking = await Admin(a => a.MoveAsync(order.Number, "Shipped", "UPS", " ", "admin", default));
        Assert.Equal((false, "TrackingNumber"), (noTracking.Succeeded, noTracking.Field));
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Shipped", "UPS", "1Z999AA10123456784", "admin", default))).Succeeded);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Delivered", null, null, "admin", default))).Succeeded);
        Assert.False((await Admin(a => a.CancelAsync(order.Number, "admin", default))).Succeeded);

        var done = await ReloadAsync(order.Number);
        Assert.Equal(["Placed", "Paid", "Packed", "Shipped", "Delivered"], done.Timeline.Select(t => t.Status));
        Assert.Equal(("UPS", "1Z999AA10123456784"), (done.Carrier, done.TrackingNumber));

        await store.DrainOutboxAsync();
        var mail = Directory.GetFiles(Path.Combine(store.Factory.DataPath, "mail"), "*.eml").Select(File.ReadAllText)
            .Where(m => m.Contains(order.Email, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains(mail, m => m.Contains($"Subject: Your order {order.Number}", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.Contains($"Subject: Order {order.Number}: Shipped", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.Contains($"Subject: Order {order.Number}: Delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partial_refunds_add_up_to_the_total_and_never_beyond()
    {
        var (order, _) = await OrderAsync();
        var total = order.Total.Amount;
        Assert.True((await Admin(a => a.RefundAsync(order.Number, 5m, "admin", default))).Succeeded);
        Assert.Equal("Partially refunded", (await ReloadAsync(order.Number)).Status);
        var tooMuch = await Admin(a => a.RefundAsync(order.Number, total, "admin", default));
        Assert.Equal((false, $"At most ${total - 5m:#,##0.00} is left to refund."), (tooMuch.Succeeded, tooMuch.Message));
        Assert.False((await Admin(a => a.RefundAsync(order.Number, 0.001m, "admin", default))).Succeeded);
        Assert.True((await Admin(a => a.RefundAsync(order.Number, total - 5m, "admin", default))).Succeeded);

        var refunded = await ReloadAsync(order.Number);
        Assert.Equal(("Refunded", total), (refunded.Status, refunded.Refunded.Amount));
        var atGateway = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments
            .Where(p => p.RefundOf == order.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount));
        Assert.Equal(total, atGateway);
    }

    [Fact]
    public async Task Cancelling_refunds_what_is_left_and_puts_the_stock_back()
    {
        var (order, product) = await OrderAsync(onHand: 12, quantity: 3);
        Assert.Equal(9, await store.AvailableAsync(product.Sku));
        Assert.True((await Admin(a => a.RefundAsync(order.Number, 1m, "admin", default))).Succeeded);
        var cancelled = await Admin(a => a.CancelAsync(order.Number, "admin", default));
        Assert.True(cancelled.Succeeded, cancelled.Message);
        var after = await ReloadAsync(order.Number);
        Assert.Equal(("Refunded", order.Total.Amount), (after.Status, after.Refunded.Amount));
        Assert.Equal(["Placed", "Paid", "Partially refunded", "Cancelled", "Refunded"], after.Timeline.Select(t => t.Status));
        Assert.Equal(12, await store.AvailableAsync(product.Sku));
        Assert.False((await Admin(a => a.CancelAsync(order.Number, "admin", default))).Succeeded);
    }

    [Fact]
    public async Task Orders_are_listed_with_filters()
    {
        var (order, _) = await OrderAsync();
        var byCustomer = await With(sp => sp.GetRequiredService<IOrderAdmin>().ListAsync(new AdminOrderQuery(Customer: order.Email[..12]), default));
        Assert.Equal([order.Number], byCustomer.Rows.Select(r => r.Number));
        var paid = await With(sp => sp.GetRequiredService<IOrderAdmin>().ListAsync(new AdminOrderQuery(Status: "Paid", MinTotal: order.Total.Amount, MaxTotal: order.Total.Amount), default));
        Assert.Contains(order.Number, paid.Rows.Select(r => r.Number));
        Assert.All(paid.Rows, r => Assert.Equal(("Paid", order.Total), (r.Status, r.Total)));
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1));
        Assert.Empty((await With(sp => sp.GetRequiredService<IOrderAdmin>().ListAsync(new AdminOrderQuery(From: tomorrow), default))).Rows);
    }

    [Fact]
    public async Task A_placed_order_waits_in_the_fulfilment_queue_until_it_is_packed()
    {
        var (order, _) = await OrderAsync();
        await store.DrainOutboxAsync();
        var queue = await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PendingAsync(500, default));
        var request = Assert.Single(queue, r => r.OrderNumber == order.Number);
        Assert.Equal((2, "Lin Buyer, Albany, US"), (request.Items, request.ShipTo));

        Assert.True((await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PackedAsync(request.Id, "warehouse", default))).Succeeded);
        Assert.Equal("Packed", (await ReloadAsync(order.Number)).Status);
        Assert.DoesNotContain(await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PendingAsync(500, default)), r => r.OrderNumber == order.Number);
        Assert.False((await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PackedAsync(request.Id, "warehouse", default))).Succeeded);
    }
}
