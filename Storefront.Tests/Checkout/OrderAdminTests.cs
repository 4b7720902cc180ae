using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using Storefront.BuildingBlocks.Email;
using Storefront.Web.Shopping;

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
        Assert.True(result.Succeeded, English.Of(result.Problem));
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

    private Task<OrderChangeResult> RefundAsync(string number, decimal amount, Guid? request = null) =>
        Admin(a => a.RefundAsync(number, request ?? Guid.NewGuid(), amount, "merchant@shop.test", default));

    [Fact]
    public async Task Partial_refunds_add_up_to_the_total_and_never_beyond_and_never_move_the_order_in_fulfilment()
    {
        var (order, _) = await OrderAsync();
        var total = order.Total.Amount;
        Assert.True((await RefundAsync(order.Number, 5m)).Succeeded);
        var partly = await ReloadAsync(order.Number);
        Assert.Equal(("Paid", "Partial"), (partly.Status, partly.RefundState));
        var tooMuch = await RefundAsync(order.Number, total);
        Assert.Equal((false, $"At most ${total - 5m:#,##0.00} is left to refund."), (tooMuch.Succeeded, English.Of(tooMuch.Outcome)));
        Assert.False((await RefundAsync(order.Number, 0.001m)).Succeeded);
        Assert.True((await RefundAsync(order.Number, total - 5m)).Succeeded);

        var refunded = await ReloadAsync(order.Number);
        Assert.Equal(("Paid", "Full", total), (refunded.Status, refunded.RefundState, refunded.Refunded.Amount));
        var atGateway = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments
            .Where(p => p.RefundOf == order.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount));
        Assert.Equal(total, atGateway);
    }

    [Fact]
    public async Task A_partly_refunded_order_stays_in_the_fulfilment_queue_and_ships()
    {
        var (order, _) = await OrderAsync();
        await store.DrainOutboxAsync();
        Assert.True((await RefundAsync(order.Number, 1m)).Succeeded);
        var request = Assert.Single(await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PendingAsync(500, default)), r => r.OrderNumber == order.Number);
        Assert.True((await With(sp => sp.GetRequiredService<IFulfilmentQueue>().PackedAsync(request.Id, "warehouse", default))).Succeeded);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Shipped", "UPS", "1Z1", "admin", default))).Succeeded);
        var shipped = await ReloadAsync(order.Number);
        Assert.Equal(("Shipped", "Partial"), (shipped.Status, shipped.RefundState));
        Assert.Equal("$1.00 refunded", English.Of(shipped.Timeline.Single(t => t.Status == "Partially refunded").Note));
        Assert.Equal("UPS 1Z1", English.Of(shipped.Timeline.Single(t => t.Status == "Shipped").Note));
    }

    [Fact]
    public async Task A_shipped_order_cannot_be_cancelled_or_restocked_even_after_a_partial_refund()
    {
        var (order, product) = await OrderAsync(onHand: 12, quantity: 3);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Packed", null, null, "admin", default))).Succeeded);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Shipped", "UPS", "1Z2", "admin", default))).Succeeded);
        Assert.True((await RefundAsync(order.Number, 2m)).Succeeded);
        var cancel = await Admin(a => a.CancelAsync(order.Number, "admin", default));
        Assert.Equal((false, "A shipped order cannot be cancelled; its goods come back through a return."), (cancel.Succeeded, English.Of(cancel.Outcome)));
        Assert.Equal(9, await store.AvailableAsync(product.Sku));
        var after = await ReloadAsync(order.Number);
        Assert.Equal(("Shipped", "Partial"), (after.Status, after.RefundState));
        Assert.False(after.Actions.CanCancel);
    }

    [Fact]
    public async Task The_same_refund_request_twice_at_once_refunds_once()
    {
        var (order, _) = await OrderAsync();
        var request = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RefundAsync(order.Number, 3m, request))));
        Assert.Contains(results, r => r.Succeeded);
        var after = await ReloadAsync(order.Number);
        Assert.Equal(3m, after.Refunded.Amount);
        Assert.Single(after.Timeline, t => t.Status == "Partially refunded");
        var atGateway = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments
            .Where(p => p.RefundOf == order.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount));
        Assert.Equal(3m, atGateway);
    }

    [Fact]
    public async Task Two_merchants_refunding_at_once_never_refund_more_than_was_paid()
    {
        var (order, _) = await OrderAsync();
        var total = order.Total.Amount;
        // Eight different refund requests, each for 60 % of the total: at most one can go through.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RefundAsync(order.Number, decimal.Round(total * 0.6m, 2)))));
        Assert.Single(results, r => r.Succeeded);
        var atGateway = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments
            .Where(p => p.RefundOf == order.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount));
        Assert.Equal(decimal.Round(total * 0.6m, 2), atGateway);
        Assert.Equal(atGateway, (await ReloadAsync(order.Number)).Refunded.Amount);
    }

    [Fact]
    public async Task Cancelling_at_once_from_many_places_restocks_refunds_and_e_mails_once()
    {
        var (order, product) = await OrderAsync(onHand: 131, quantity: 2);
        Assert.Equal(129, await store.AvailableAsync(product.Sku));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Admin(a => a.CancelAsync(order.Number, "admin", default)))));
        Assert.Contains(results, r => r.Succeeded);
        Assert.Equal(131, await store.AvailableAsync(product.Sku));
        var after = await ReloadAsync(order.Number);
        Assert.Equal(("Cancelled", "Full", order.Total.Amount), (after.Status, after.RefundState, after.Refunded.Amount));
        Assert.Equal(["Placed", "Paid", "Cancelled", "Refunded"], after.Timeline.Select(t => t.Status));
        var atGateway = await With(sp => sp.GetRequiredService<CheckoutDbContext>().TestGatewayPayments
            .Where(p => p.RefundOf == order.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount));
        Assert.Equal(order.Total.Amount, atGateway);

        await store.DrainOutboxAsync();
        var mail = Directory.GetFiles(Path.Combine(store.Factory.DataPath, "mail"), "*.eml").Select(File.ReadAllText)
            .Where(m => m.Contains(order.Email, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(mail, m => m.Contains($"Subject: Order {order.Number}: Cancelled", StringComparison.Ordinal));
        Assert.Single(mail, m => m.Contains($"Subject: Order {order.Number}: Refunded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_status_e_mail_words_the_note_and_reads_an_older_events_text_as_written()
    {
        var (order, _) = await OrderAsync();
        Assert.True((await RefundAsync(order.Number, 2m)).Succeeded);
        var refunded = (await ReloadAsync(order.Number)).Timeline[^1];
        var sent = new List<EmailMessage>();
        using var scope = store.Services.CreateScope();
        var emails = ActivatorUtilities.CreateInstance<OrderEmails>(scope.ServiceProvider, new SentEmails(sent));
        var stored = await With(sp => sp.GetRequiredService<CheckoutDbContext>().OrderStatusChanges
            .Where(h => h.OrderId == order.Id && h.Status == "Partially refunded").OrderBy(h => h.Id).Select(h => h.Note!).ToListAsync());
        Assert.Equal("$2.00 refunded", English.Of(refunded.Note));
        Assert.Equal(CheckoutProblems.NoteRefunded, OrderNotes.Read(stored[^1])!.Code);

        await emails.HandleAsync(new OrderStatusChangedEvent(order.Id, order.Number, order.Email, "Partially refunded", stored[^1], refunded.At), default);
        await emails.HandleAsync(new OrderStatusChangedEvent(order.Id, order.Number, order.Email, "Partially refunded", "$2.00 refunded", refunded.At), default);

        Assert.All(sent, m => Assert.StartsWith($"Your order {order.Number} has been refunded ($2.00 refunded).", m.TextBody, StringComparison.Ordinal));
        Assert.Equal(2, sent.Count);
    }

    [Fact]
    public async Task The_order_e_mails_read_like_a_receipt_in_text_and_HTML_and_open_the_order_page()
    {
        var (order, product) = await OrderAsync(quantity: 2);
        var sent = new List<EmailMessage>();
        using var scope = store.Services.CreateScope();
        var emails = ActivatorUtilities.CreateInstance<OrderEmails>(scope.ServiceProvider, new SentEmails(sent));
        await emails.HandleAsync(new OrderPlacedEvent(order.Id, order.Number, order.UserId, order.Email,
            [new OrderPlacedLine(product.Sku, 2, product.Price)], order.Total.Amount, order.Total.Currency, order.PlacedAt), default);

        var placed = Assert.Single(sent);
        Assert.Equal((order.Email, $"Your order {order.Number}"), (placed.To, placed.Subject));
        var line = Assert.Single(order.Lines);
        foreach (var expected in new[]
        {
            $"  2 × {product.Title} (SKU {product.Sku})  {line.LineTotal}",
            $"Subtotal: {order.Subtotal}\nShipping, Express (next day): {order.Shipping}\nTax: {order.Tax}\nTotal: {order.Total}",
            "Delivery to:\n  Lin Buyer\n  9 Elm St\n  Albany, NY 12207\n  US",
        })
            Assert.Contains(expected, placed.TextBody, StringComparison.Ordinal);
        var link = System.Text.RegularExpressions.Regex.Match(placed.TextBody, @"See your order: (\S+)").Groups[1].Value;
        var orderPage = await With(sp => Task.FromResult(sp.GetRequiredService<Storefront.BuildingBlocks.Links.IStoreLinks>().Absolute($"/orders/{order.Number}")));
        Assert.StartsWith(orderPage + "?key=", link, StringComparison.Ordinal);

        // The link opens the order for someone who is not signed in, as the confirmation page's does.
        var page = await store.Client().GetDocumentAsync(new Uri(link).PathAndQuery);
        Assert.Equal($"Order {order.Number}", page.QuerySelector("h1")?.TextContent);

        // The invoice's link, with the same key, opens the invoice.
        var invoiceLink = System.Text.RegularExpressions.Regex.Match(placed.TextBody, @"Its invoice, to print or save: (\S+)").Groups[1].Value;
        Assert.StartsWith(orderPage + "/invoice?key=", invoiceLink, StringComparison.Ordinal);
        Assert.NotNull((await store.Client().GetDocumentAsync(new Uri(invoiceLink).PathAndQuery)).QuerySelector("#invoice[data-invoice]"));

        // The HTML part says the same, with the same links behind its button and beside it.
        var html = await Html.ParseAsync(Assert.IsType<string>(placed.HtmlBody));
        Assert.Equal(link, html.QuerySelectorAll("a").Single(a => a.TextContent == "See your order").GetAttribute("href"));
        Assert.Equal(invoiceLink, html.QuerySelectorAll("a").Single(a => a.TextContent == "Invoice").GetAttribute("href"));
        Assert.Contains(html.QuerySelectorAll("tbody td"), td => td.TextContent.StartsWith(product.Title, StringComparison.Ordinal));
        Assert.Equal(order.Total.ToString(), html.QuerySelectorAll("tfoot tr").Single(r => r.QuerySelector("th")?.TextContent == "Total").QuerySelector("td")?.TextContent);

        // A status e-mail words its step first; what a merchant typed is shown as text, never as markup.
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Packed", null, null, "admin", default))).Succeeded);
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Shipped", "<b>Fast & Co</b>", "1Z-9", "admin", default))).Succeeded);
        var shipped = (await ReloadAsync(order.Number)).Timeline[^1];
        var stored = await With(sp => sp.GetRequiredService<CheckoutDbContext>().OrderStatusChanges
            .Where(h => h.OrderId == order.Id && h.Status == "Shipped").Select(h => h.Note).SingleAsync());
        await emails.HandleAsync(new OrderStatusChangedEvent(order.Id, order.Number, order.Email, "Shipped", stored, shipped.At), default);
        var status = sent[^1];
        Assert.StartsWith($"Your order {order.Number} is on its way (", status.TextBody, StringComparison.Ordinal);
        Assert.Contains("<b>Fast & Co</b>", status.TextBody, StringComparison.Ordinal);
        var statusHtml = await Html.ParseAsync(status.HtmlBody!);
        Assert.Empty(statusHtml.QuerySelectorAll("body b"));
        Assert.Contains("<b>Fast & Co</b>", statusHtml.Body!.TextContent, StringComparison.Ordinal);

        // Sent through the outbox, the e-mail carries both parts.
        await store.DrainOutboxAsync();
        var mail = Mailbox.For(store, order.Email, $"Your order {order.Number}");
        Assert.Contains("text/html", Assert.Single(mail), StringComparison.Ordinal);
        Assert.Contains(product.Title, mail[0], StringComparison.Ordinal);
    }

    private sealed class SentEmails(List<EmailMessage> sent) : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            sent.Add(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task The_merchant_is_named_in_the_audit_trail_but_never_to_the_customer()
    {
        var (order, _) = await OrderAsync();
        Assert.True((await RefundAsync(order.Number, 2m)).Succeeded);
        Assert.True((await Admin(a => a.CancelAsync(order.Number, "merchant@shop.test", default))).Succeeded);
        var shopper = await ReloadAsync(order.Number);
        Assert.All(shopper.Timeline, t => Assert.Null(t.Actor));
        Assert.DoesNotContain(shopper.Timeline, t => English.Of(t.Note)?.Contains("merchant@", StringComparison.Ordinal) == true);
        var merchant = (await With(sp => sp.GetRequiredService<IOrderAdmin>().GetAsync(order.Number, default)))!;
        Assert.Equal("merchant@shop.test", merchant.Timeline.Single(t => t.Status == "Cancelled").Actor);

        await store.DrainOutboxAsync();
        var mail = Directory.GetFiles(Path.Combine(store.Factory.DataPath, "mail"), "*.eml").Select(File.ReadAllText)
            .Where(m => m.Contains(order.Email, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(mail);
        Assert.All(mail, m => Assert.DoesNotContain("merchant@shop.test", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_refunds_what_is_left_and_puts_the_stock_back()
    {
        var (order, product) = await OrderAsync(onHand: 12, quantity: 3);
        Assert.Equal(9, await store.AvailableAsync(product.Sku));
        Assert.True((await RefundAsync(order.Number, 1m)).Succeeded);
        var cancelled = await Admin(a => a.CancelAsync(order.Number, "admin", default));
        Assert.True(cancelled.Succeeded, English.Of(cancelled.Outcome));
        var after = await ReloadAsync(order.Number);
        Assert.Equal(("Cancelled", "Full", order.Total.Amount), (after.Status, after.RefundState, after.Refunded.Amount));
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

    [Fact]
    public async Task Sales_since_a_moment_count_the_orders_placed_since_less_refunds_with_cancelled_orders_apart()
    {
        // The tests of this class run one at a time: nothing else places orders in this store meanwhile.
        var since = store.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (kept, _) = await OrderAsync(quantity: 1);
        var (refunded, _) = await OrderAsync(quantity: 2);
        var (cancelled, _) = await OrderAsync(quantity: 1);
        Assert.True((await RefundAsync(refunded.Number, 5m)).Succeeded);
        Assert.True((await Admin(a => a.CancelAsync(cancelled.Number, "admin", default))).Succeeded);

        var figures = Assert.Single(await With(sp => sp.GetRequiredService<IOrderAdmin>().SalesSinceAsync(since, default)));
        var gross = kept.Total.Amount + refunded.Total.Amount;
        Assert.Equal(("USD", 2, gross, 5m, 1), (figures.Currency, figures.Orders, figures.Gross, figures.Refunded, figures.Cancelled));
        Assert.Equal(new Money(gross - 5m, "USD"), figures.Net);
        Assert.Equal(new Money(Math.Round(gross / 2, 2, MidpointRounding.AwayFromZero), "USD"), figures.AverageOrder);

        // An earlier moment takes in earlier orders too; a later one none.
        var all = Assert.Single(await With(sp => sp.GetRequiredService<IOrderAdmin>().SalesSinceAsync(since.AddYears(-5), default)));
        Assert.True(all.Orders >= 2 && all.Gross >= gross);
        Assert.Empty(await With(sp => sp.GetRequiredService<IOrderAdmin>().SalesSinceAsync(DateTimeOffset.UtcNow.AddMinutes(1), default)));
    }

    [Fact]
    public async Task A_report_counts_each_UTC_day_of_its_period_and_its_best_sellers_with_cancelled_orders_left_out()
    {
        var (early, onlyOne) = await OrderAsync(onHand: 100, quantity: 3);
        var (late, three) = await OrderAsync(quantity: 1);
        var (cancelled, _) = await OrderAsync(quantity: 2);
        var (nextDay, _) = await OrderAsync(quantity: 1);
        Assert.True((await RefundAsync(early.Number, 5m)).Succeeded);
        Assert.True((await Admin(a => a.CancelAsync(cancelled.Number, "admin", default))).Succeeded);
        // Placed on days of their own, long ago: the first and last instants of 1 March, noon on the
        // 3rd, and midnight starting the 4th (outside a period that ends on the 3rd).
        foreach (var (order, at) in new[] { (early, "2003-03-01T00:00:00Z"), (late, "2003-03-01T23:59:59.999Z"), (cancelled, "2003-03-03T12:00:00Z"), (nextDay, "2003-03-04T00:00:00Z") })
            await With(sp => sp.GetRequiredService<CheckoutDbContext>().Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE checkout.orders SET placed_at = {DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)} WHERE id = {order.Id}"));
        var (from, to) = (new DateOnly(2003, 3, 1), new DateOnly(2003, 3, 3));

        var days = await With(sp => sp.GetRequiredService<IOrderAdmin>().SalesByDayAsync(from, to, default));
        Assert.Equal([
            new DailySales(from, new SalesFigures("USD", 2, early.Total.Amount + late.Total.Amount, 5m, 0)),
            new DailySales(to, new SalesFigures("USD", 0, 0m, 0m, 1)),
        ], days);

        var top = await With(sp => sp.GetRequiredService<IOrderAdmin>().TopProductsAsync(from, to, 10, default));
        var (e, l) = (Assert.Single(early.Lines), Assert.Single(late.Lines));
        var expected = new[] { new ProductSales(e.Sku, e.Title, "USD", 3, e.LineTotal.Amount), new ProductSales(l.Sku, l.Title, "USD", 1, l.LineTotal.Amount) }
            .OrderByDescending(p => p.Sales).ToList();
        Assert.Equal(expected, top);
        Assert.Equal((onlyOne.Sku, three.Sku), (e.Sku, l.Sku));

        // A period that ends before it starts, or is longer than a year and a day, counts nothing.
        Assert.Empty(await With(sp => sp.GetRequiredService<IOrderAdmin>().SalesByDayAsync(to, from, default)));
        Assert.Empty(await With(sp => sp.GetRequiredService<IOrderAdmin>().TopProductsAsync(to.AddDays(-SalesReport.MaxDays), to, 10, default)));
        Assert.Equal(expected, await With(sp => sp.GetRequiredService<IOrderAdmin>().TopProductsAsync(from.AddDays(1 - SalesReport.MaxDays), from, 10, default)));

        // The merchant's page: totals, every day of the period (the empty one too), the best sellers.
        var client = await store.AdminClientAsync();
        var page = await client.GetDocumentAsync("/admin/reports?from=2003-03-01&to=2003-03-03");
        Assert.Equal(("2", new Money(early.Total.Amount + late.Total.Amount - 5m, "USD").ToString(), "1"),
            (page.QuerySelector("[data-total=orders]")?.TextContent, page.QuerySelector("[data-total=net]")?.TextContent, page.QuerySelector("[data-total=cancelled]")?.TextContent));
        Assert.Equal(["2003-03-03", "2003-03-02", "2003-03-01"], page.QuerySelectorAll("tr[data-day]").Select(r => r.GetAttribute("data-day")));
        Assert.Equal(["0", "0", "2"], page.QuerySelectorAll("tr[data-day] td:first-of-type").Select(c => c.TextContent));
        Assert.Equal(3, page.QuerySelectorAll(".sales-chart rect").Length);
        Assert.Equal(expected.Select(p => p.Sku), page.QuerySelectorAll("tr[data-sku]").Select(r => r.GetAttribute("data-sku")));

        // The same days as CSV, for a spreadsheet.
        var csv = await client.GetAsync(page.QuerySelector("#report-csv")!.GetAttribute("href"));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sales-2003-03-01-to-2003-03-03.csv", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var gross = early.Total.Amount + late.Total.Amount;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(
            "day,currency,orders,sales,refunded,net,cancelled\r\n" +
            $"2003-03-01,USD,2,{gross.ToString("0.00", inv)},5.00,{(gross - 5m).ToString("0.00", inv)},0\r\n" +
            "2003-03-02,USD,0,0.00,0.00,0.00,0\r\n" +
            "2003-03-03,USD,0,0.00,0.00,0.00,1\r\n",
            await csv.Content.ReadAsStringAsync());

        foreach (var (query, problem) in new[]
        {
            ("from=2003-03-04&to=2003-03-01", "The period ends before it starts"),
            ("from=2001-01-01&to=2003-03-01", "A report covers at most 366 days"),
            ("from=1%20March&to=2003-03-01", "From: enter a date as YYYY-MM-DD."),
        })
        {
            var refused = await client.GetDocumentAsync("/admin/reports?" + query);
            Assert.Contains(problem, refused.QuerySelector(".notice.error")?.TextContent ?? "", StringComparison.Ordinal);
            Assert.Null(refused.QuerySelector(".report-currency, #top-products"));
            var noFile = await client.GetDocumentAsync("/admin/reports?handler=Csv&" + query);
            Assert.Contains(problem, noFile.QuerySelector(".notice.error")?.TextContent ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Merchants_opening_one_report_at_once_cost_one_count_and_it_is_kept_a_minute()
    {
        using var scope = store.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var counting = new CountingOrderAdmin(sp.GetRequiredService<IOrderAdmin>());
        var clock = new ManualClock { Now = DateTimeOffset.UtcNow };
        var reports = new Storefront.Web.Areas.Admin.SalesReports(counting, sp.GetRequiredService<Storefront.Catalog.Contracts.ICatalogAdmin>(),
            new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { Clock = new SystemClockOf(clock) }), clock);
        var (from, to) = (new DateOnly(2004, 1, 1), new DateOnly(2004, 12, 31));

        var eight = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => reports.ForAsync(from, to, default))));
        Assert.Equal((1, 1), (counting.ByDay, counting.Top));
        Assert.All(eight, r => Assert.Same(eight[0], r));
        Assert.Equal(366, Assert.IsType<Storefront.Web.Areas.Admin.SalesReportView>(eight[0]).DayCount);

        clock.Now += TimeSpan.FromSeconds(59);
        await reports.ForAsync(from, to, default);
        Assert.Equal(1, counting.ByDay);
        clock.Now += TimeSpan.FromSeconds(2);
        await reports.ForAsync(from, to, default);
        await reports.ForAsync(from, to.AddDays(-1), default);
        Assert.Equal((3, 3), (counting.ByDay, counting.Top));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }

#pragma warning disable CS0618 // the memory cache still takes its clock as an ISystemClock
    private sealed class SystemClockOf(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
#pragma warning restore CS0618

    /// <summary>The store's own order admin, counting the report queries it is asked.</summary>
    private sealed class CountingOrderAdmin(IOrderAdmin inner) : IOrderAdmin
    {
        private int byDay, top;
        public int ByDay => byDay;
        public int Top => top;

        public Task<IReadOnlyList<DailySales>> SalesByDayAsync(DateOnly from, DateOnly to, CancellationToken ct)
        {
            Interlocked.Increment(ref byDay);
            return inner.SalesByDayAsync(from, to, ct);
        }

        public Task<IReadOnlyList<ProductSales>> TopProductsAsync(DateOnly from, DateOnly to, int count, CancellationToken ct)
        {
            Interlocked.Increment(ref top);
            return inner.TopProductsAsync(from, to, count, ct);
        }

        public Task<AdminOrderPage> ListAsync(AdminOrderQuery query, CancellationToken ct) => inner.ListAsync(query, ct);
        public IAsyncEnumerable<AdminOrderExportRow> ExportAsync(AdminOrderQuery query) => inner.ExportAsync(query);
        public Task<IReadOnlyList<SalesFigures>> SalesSinceAsync(DateTimeOffset since, CancellationToken ct) => inner.SalesSinceAsync(since, ct);
        public Task<OrderView?> GetAsync(string number, CancellationToken ct) => inner.GetAsync(number, ct);
        public Task<OrderChangeResult> MoveAsync(string number, string status, string? carrier, string? trackingNumber, string actor, CancellationToken ct) =>
            inner.MoveAsync(number, status, carrier, trackingNumber, actor, ct);
        public Task<OrderChangeResult> CancelAsync(string number, string actor, CancellationToken ct) => inner.CancelAsync(number, actor, ct);
        public Task<OrderChangeResult> RefundAsync(string number, Guid requestId, decimal amount, string actor, CancellationToken ct) =>
            inner.RefundAsync(number, requestId, amount, actor, ct);
    }

    /// <summary>The cells of each line of a CSV text (quoted cells with doubled quotes, CRLF lines).</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; i++; }
            else cell.Append(c);
        }
        Assert.True(cell.Length == 0 && row.Count == 0, "the file ends with a line break");
        return rows;
    }

    [Fact]
    public async Task A_merchant_downloads_the_filtered_orders_as_csv_with_formulas_defused()
    {
        var (order, _) = await OrderAsync();
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Packed", null, null, "admin", default))).Succeeded);
        // What a merchant (or a pasted carrier name) can put in a cell that a spreadsheet would run.
        Assert.True((await Admin(a => a.MoveAsync(order.Number, "Shipped", "=HYPERLINK(\"http://evil.example\")", "1Z,\"9\"", "admin", default))).Succeeded);

        var admin = await store.AdminClientAsync();
        var list = await admin.GetDocumentAsync($"/admin/orders?customer={Uri.EscapeDataString(order.Email)}");
        var link = list.QuerySelector("a.csv-export")!.GetAttribute("href")!;
        var response = await admin.GetAsync(link);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);

        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(["number", "invoice", "placed_at_utc", "email", "status", "refund_state", "items", "subtotal", "discount_code", "discount", "shipping", "tax", "total",
            "refunded", "currency", "shipping_method", "carrier", "tracking_number"], rows[0]);
        var row = Assert.Single(rows.Skip(1));
        var cells = rows[0].Zip(row).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal((order.Number, order.Email, "Shipped", "2"), (cells["number"], cells["email"], cells["status"], cells["items"]));
        Assert.Equal(order.Total.Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), cells["total"]);
        Assert.Equal(("", "0.00"), (cells["discount_code"], cells["discount"]));
        // The invoice's number, as its page shows it.
        var invoice = (await admin.GetDocumentAsync($"/orders/{order.Number}/invoice")).QuerySelector("#invoice")!.GetAttribute("data-invoice");
        Assert.Matches(@"^INV-\d{4}-\d{6}$", invoice);
        Assert.Equal(invoice, ParseCsv(await (await admin.GetAsync(link)).Content.ReadAsStringAsync())[1][1]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", cells["carrier"]);
        Assert.Equal("1Z,\"9\"", cells["tracking_number"]);

        // A filter the list refuses is not exported: the page says what was wrong.
        var refused = await admin.GetAsync("/admin/orders?from=yesterday&handler=Csv");
        Assert.Equal("text/html", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("From: enter a date as YYYY-MM-DD.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_cut_off_before_its_restock_waits_on_the_dashboard_until_the_merchant_finishes_it()
    {
        var (order, product) = await OrderAsync(onHand: 10, quantity: 2);
        // What a crash right after the cancellation was saved leaves: cancelled, its stock not yet back.
        await using (var connection = new Npgsql.NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cut = new Npgsql.NpgsqlCommand("UPDATE checkout.orders SET status = 'Cancelled', restock_pending = true WHERE number = @n", connection);
            cut.Parameters.AddWithValue("n", order.Number);
            Assert.Equal(1, await cut.ExecuteNonQueryAsync());
        }
        var admin = await store.AdminClientAsync();
        var todo = (await admin.GetDocumentAsync("/admin")).QuerySelector("[data-to-do=cancellations] a")!;
        Assert.Contains("whose refund or restock did not finish", todo.TextContent, StringComparison.Ordinal);
        var listed = await admin.GetDocumentAsync(todo.GetAttribute("href")!);
        Assert.Contains(order.Number, listed.QuerySelectorAll("table.data tbody a").Select(a => a.TextContent));
        Assert.All(listed.QuerySelectorAll("table.data tbody tr"), r => Assert.Contains("Cancelled", r.TextContent, StringComparison.Ordinal));

        // Finishing it puts the stock back, and it leaves the list.
        Assert.Equal(8, await store.AvailableAsync(product.Sku));
        Assert.True((await Admin(a => a.CancelAsync(order.Number, "admin", default))).Succeeded);
        Assert.Equal(10, await store.AvailableAsync(product.Sku));
        Assert.DoesNotContain(order.Number, (await admin.GetDocumentAsync(todo.GetAttribute("href")!)).QuerySelectorAll("table.data tbody a").Select(a => a.TextContent));
    }
}
