using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

/// <summary>A shop whose merchants are e-mailed at most three orders an hour.</summary>
public sealed class MerchantNoticesFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storefront:Notifications:MaxPerHour"] = "3",
    };

    public Task<string> OrderAsync(TestProduct product, string customer) => OrderAsync(this, product, customer);

    /// <summary>Places an order of one unit of <paramref name="product"/> in <paramref name="store"/> for a new customer; its number.</summary>
    public static async Task<string> OrderAsync(ShopFixture store, TestProduct product, string customer)
    {
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var cart = await carts.StartAsync(default);
        Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        var placed = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null, customer,
            new Address("Nia Notified", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default);
        Assert.True(placed.Succeeded, placed.Outcome.ToString());
        return placed.OrderNumber!;
    }
}

/// <summary>A shop whose order e-mails go to the addresses it names, not to its merchant accounts.</summary>
public sealed class NamedRecipientsFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storefront:Notifications:Recipients:0"] = "orders@shop.example",
        ["Storefront:Notifications:Recipients:1"] = "owner@shop.example",
    };
}

public sealed class MerchantNoticesTests(MerchantNoticesFixture store) : IClassFixture<MerchantNoticesFixture>
{
    private const string Merchant = AdminBootstrapper.DemoEmail;

    [Fact]
    public async Task Merchants_hear_of_each_new_order_with_a_link_to_it_and_a_rush_of_orders_sends_one_notice_instead_of_a_flood()
    {
        var product = await store.ProductAsync(onHand: 20);
        var first = await store.OrderAsync(product, "first-customer@example.test");
        await store.DrainOutboxAsync();

        var mail = Assert.Single(Mailbox.For(store, Merchant, $"New order {first}: "));
        Assert.Matches($@"Subject: New order {first}: \$\d+\.\d\d", mail);
        Assert.Contains(product.Title, mail, StringComparison.Ordinal);
        Assert.Contains("first-customer@example.test", mail, StringComparison.Ordinal);
        Assert.Contains("Nia Notified, Albany, US", mail, StringComparison.Ordinal);
        // The link opens the order in the merchant area, for a merchant.
        var link = await Mailbox.LinkAsync(store, Merchant, $"/admin/orders/{first}");
        var admin = await store.AdminClientAsync();
        var page = await admin.GetStringAsync(link.PathAndQuery);
        Assert.Contains(first, page, StringComparison.Ordinal);
        // The shopper's own confirmation is a different e-mail, to the shopper only.
        Assert.Empty(Mailbox.For(store, "first-customer@example.test", "New order"));

        // Four more orders within the hour: two more e-mails reach the limit of three, then one notice, then nothing.
        var later = new List<string>();
        for (var i = 0; i < 4; i++) later.Add(await store.OrderAsync(product, $"rush-{i}@example.test"));
        await store.DrainOutboxAsync();
        var orderMails = Mailbox.For(store, Merchant, "New order ");
        Assert.Equal([first, later[0], later[1]], orderMails.Select(m => later.Prepend(first).Single(n => m.Contains($"New order {n}:", StringComparison.Ordinal))));
        var notice = Assert.Single(Mailbox.For(store, Merchant, "More orders are coming in than we e-mail"));
        Assert.Contains($"the last one {later[2]}", notice, StringComparison.Ordinal);
        Assert.Contains("/admin/orders", notice, StringComparison.Ordinal);
        Assert.Empty(Mailbox.For(store, Merchant, $"New order {later[3]}:"));
    }
}

public sealed class NamedRecipientsTests(NamedRecipientsFixture store) : IClassFixture<NamedRecipientsFixture>
{
    [Fact]
    public async Task Order_emails_go_to_the_addresses_the_store_names_and_not_to_its_merchant_accounts()
    {
        var product = await store.ProductAsync(onHand: 5);
        await MerchantNoticesFixture.OrderAsync(store, product, "named@example.test");
        await store.DrainOutboxAsync();

        Assert.Single(Mailbox.For(store, "orders@shop.example", "New order "));
        Assert.Single(Mailbox.For(store, "owner@shop.example", "New order "));
        Assert.Empty(Mailbox.For(store, AdminBootstrapper.DemoEmail, "New order "));
    }
}

public sealed class MerchantNoticesRetryTests(MerchantNoticesFixture store) : IClassFixture<MerchantNoticesFixture>
{
    private sealed class Sender(bool fails) : Storefront.BuildingBlocks.Email.IEmailSender
    {
        public List<Storefront.BuildingBlocks.Email.EmailMessage> Sent { get; } = [];

        public Task SendAsync(Storefront.BuildingBlocks.Email.EmailMessage message, CancellationToken cancellationToken)
        {
            if (fails) throw new InvalidOperationException("The mail server is away.");
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }

    private static OrderPlacedEvent Placed(string number) =>
        new(Guid.NewGuid(), number, null, "retry@example.test", [new OrderPlacedLine("SKU-R", 1, 10m)], 10m, "USD", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Deliveries_retried_while_the_mail_server_is_away_do_not_use_up_the_hours_order_emails()
    {
        using var scope = store.Services.CreateScope();
        var window = new Storefront.Web.Shopping.MerchantOrderNotices.Window();
        var away = new Sender(fails: true);
        var failing = ActivatorUtilities.CreateInstance<Storefront.Web.Shopping.MerchantOrderNotices>(scope.ServiceProvider, away, window);
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => failing.HandleAsync(Placed("SF-RETRY-1"), default));

        var back = new Sender(fails: false);
        var working = ActivatorUtilities.CreateInstance<Storefront.Web.Shopping.MerchantOrderNotices>(scope.ServiceProvider, back, window);
        foreach (var number in new[] { "SF-RETRY-1", "SF-RETRY-2", "SF-RETRY-3", "SF-RETRY-4", "SF-RETRY-5" })
            await working.HandleAsync(Placed(number), default);

        // The limit of three an hour counts e-mails sent: the three first orders, then the one notice.
        Assert.Equal(["New order SF-RETRY-1: $10.00", "New order SF-RETRY-2: $10.00", "New order SF-RETRY-3: $10.00", "More orders are coming in than we e-mail"],
            back.Sent.Where(m => m.To == AdminBootstrapper.DemoEmail).Select(m => m.Subject));
    }
}

public sealed class LowStockDigestTests(NamedRecipientsFixture store) : IClassFixture<NamedRecipientsFixture>
{
    [Fact]
    public async Task The_daily_stock_email_names_what_is_out_or_running_low_fewest_first_with_a_link_to_the_stock_page()
    {
        var gone = await store.ProductAsync(onHand: 0);
        var last = await store.ProductAsync(onHand: 1);
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Storefront.Web.Shopping.LowStockDigestJob>().RunAsync(default);

        var mail = Assert.Single(Mailbox.For(store, "owner@shop.example", "Stock running low: "));
        Assert.Matches(@"Subject: Stock running low: \d+ out of stock, \d+ low", mail);
        var goneAt = mail.IndexOf($"0 left  {gone.Title} (SKU {gone.Sku})", StringComparison.Ordinal);
        var lastAt = mail.IndexOf($"1 left  {last.Title} (SKU {last.Sku})", StringComparison.Ordinal);
        Assert.True(goneAt > 0 && lastAt > goneAt, mail);
        Assert.Matches(@"https?://[^\s/]+/admin/stock(\s|$)", mail);
        Assert.Single(Mailbox.For(store, "orders@shop.example", "Stock running low: "));

        // Turned off, it sends nothing.
        using (var scope = store.Services.CreateScope())
        {
            var off = ActivatorUtilities.CreateInstance<Storefront.Web.Shopping.LowStockDigestJob>(scope.ServiceProvider,
                Microsoft.Extensions.Options.Options.Create(new Storefront.Web.Shopping.MerchantNotificationOptions { LowStock = false }));
            await off.RunAsync(default);
        }
        Assert.Single(Mailbox.For(store, "owner@shop.example", "Stock running low: "));
    }
}
