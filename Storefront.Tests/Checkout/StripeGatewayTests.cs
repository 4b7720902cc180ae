using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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

/// <summary>The store with Stripe as its gateway, pointed at the local Stripe stand-in.</summary>
public sealed class StripeStoreFixture : ShopFixture, IAsyncLifetime
{
    public const string WebhookSecret = "whsec_standin_secret";

    public StripeStandIn Stripe { get; private set; } = default!;

    public ScriptedFaults Faults { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<Storefront.Checkout.Saga.ICheckoutFaults>(Faults);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:RecoverAfter"] = "00:00:00",
        ["Checkout:Gateway"] = "stripe",
        ["Checkout:Stripe:SecretKey"] = StripeStandIn.SecretKey,
        ["Checkout:Stripe:ApiBase"] = Stripe.BaseAddress.ToString().TrimEnd('/'),
        ["Checkout:Stripe:WebhookSecret"] = WebhookSecret,
        ["Checkout:Stripe:PublishableKey"] = "pk_test_standin",
    };

    public override async Task InitializeAsync()
    {
        Stripe = await StripeStandIn.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

public sealed class StripeGatewayTests(StripeStoreFixture store) : IClassFixture<StripeStoreFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<T> Gateway<T>(Func<IPaymentGateway, Task<T>> action) => With(sp => action(sp.GetRequiredService<IPaymentGateway>()));

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_payment_intent_and_charges_once()
    {
        var key = Guid.NewGuid().ToString("N");
        var charge = new ChargeRequest(key, new Money(25.50m, "USD"), "pm_card_visa", "Test order");
        var before = store.Stripe.SucceededCharges;
        var first = await Gateway(g => g.ChargeAsync(charge, default));
        var again = await Gateway(g => g.ChargeAsync(charge, default));
        Assert.Equal(PaymentStatus.Succeeded, first.Status);
        Assert.Equal(first.PaymentId, again.PaymentId);
        Assert.Equal(before + 1, store.Stripe.SucceededCharges);

        var sent = store.Stripe.Requests.Where(r => r.IdempotencyKey == key).ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal(("2550", "usd", "true", key), (r.Form["amount"], r.Form["currency"], r.Form["confirm"], r.Form["metadata[checkout_id]"])));
        // Recovery asks by repeating the request (the same answer, no second charge) or by id.
        Assert.Equal(first.PaymentId, (await Gateway(g => g.ResumeChargeAsync(charge, null, default))).PaymentId);
        Assert.Equal(first.PaymentId, (await Gateway(g => g.ResumeChargeAsync(charge with { PaymentMethod = "" }, first.PaymentId, default))).PaymentId);
        Assert.Equal(before + 1, store.Stripe.SucceededCharges);
        // Without the payment method or an id the answer is "not known yet", never "not charged".
        Assert.Equal(PaymentStatus.RetryLater, (await Gateway(g => g.ResumeChargeAsync(charge with { PaymentMethod = "" }, null, default))).Status);
    }

    [Fact]
    public async Task A_declined_card_comes_back_as_declined_with_Stripes_message()
    {
        var result = await Gateway(g => g.ChargeAsync(new ChargeRequest(Guid.NewGuid().ToString("N"), new Money(10m, "USD"), "pm_card_chargeDeclined", "Test"), default));
        Assert.Equal((PaymentStatus.Declined, "Your card was declined."), (result.Status, English.Of(result.Problem)));
        var unknown = await Gateway(g => g.ChargeAsync(new ChargeRequest(Guid.NewGuid().ToString("N"), new Money(10m, "USD"), "pm_nonsense", "Test"), default));
        Assert.Equal(PaymentStatus.Failed, unknown.Status);
    }

    [Fact]
    public async Task Refunds_are_partial_or_full_never_beyond_the_charge_and_never_twice_for_one_key()
    {
        var charge = await Gateway(g => g.ChargeAsync(new ChargeRequest(Guid.NewGuid().ToString("N"), new Money(40m, "USD"), "pm_card_visa", "Test"), default));
        var partial = new RefundRequest("refund-a-" + charge.PaymentId, charge.PaymentId!, new Money(15m, "USD"));
        Assert.True((await Gateway(g => g.RefundAsync(partial, default))).Succeeded);
        Assert.True((await Gateway(g => g.RefundAsync(partial, default))).Succeeded);
        Assert.Equal(1500, store.Stripe.RefundedCents(charge.PaymentId!));
        var tooMuch = await Gateway(g => g.RefundAsync(new RefundRequest("refund-b-" + charge.PaymentId, charge.PaymentId!, new Money(30m, "USD")), default));
        Assert.False(tooMuch.Succeeded);
        Assert.StartsWith("Refund amount (3000) is greater than unrefunded amount", English.Of(tooMuch.Problem), StringComparison.Ordinal);
        Assert.True((await Gateway(g => g.RefundAsync(new RefundRequest("refund-c-" + charge.PaymentId, charge.PaymentId!, new Money(25m, "USD")), default))).Succeeded);
        Assert.Equal(4000, store.Stripe.RefundedCents(charge.PaymentId!));
    }

    [Fact]
    public async Task The_whole_saga_runs_on_Stripe_and_merchant_refunds_go_back_through_it()
    {
        var product = await store.ProductAsync(onHand: 8);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, 2, default));
        var address = new Address("Sam Stripe", "1 Dock St", null, "Boston", "MA", "02110", "US");
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(
            new CheckoutRequest(Guid.NewGuid(), cart, null, "sam@example.test", address, "standard", "pm_card_visa"), default));
        Assert.Equal(CheckoutOutcome.Completed, result.Outcome);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(result.OrderNumber!, default)))!;
        Assert.StartsWith("pi_", order.PaymentId, StringComparison.Ordinal);

        Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().RefundAsync(order.Number, Guid.NewGuid(), 1.25m, "admin", default))).Succeeded);
        Assert.Equal(125, store.Stripe.RefundedCents(order.PaymentId!));
    }

    private async Task<(Guid Cart, ShopFixture.TestProduct Product)> CartAsync()
    {
        var product = await store.ProductAsync(onHand: 5);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, 1, default))).Succeeded);
        return (cart, product);
    }

    private static CheckoutRequest Request(Guid cart) =>
        new(Guid.NewGuid(), cart, null, "sam@example.test", new Address("Sam Stripe", "1 Dock St", null, "Boston", "MA", "02110", "US"), "standard", "pm_card_visa");

    private Task<int> RecoverAsync() => With(sp => sp.GetRequiredService<RecoverCheckoutsJob>().RunAsync(default));

    [Fact]
    public async Task A_checkout_that_died_after_Stripe_charged_it_is_completed_by_recovery_from_a_consistent_answer()
    {
        var (cart, product) = await CartAsync();
        var request = Request(cart);
        store.Faults.At(request.CheckoutId, Storefront.Checkout.Saga.CheckoutStep.AfterCharge, Storefront.Checkout.Saga.CheckoutFault.Crash);
        var before = store.Stripe.SucceededCharges;
        await Assert.ThrowsAsync<Storefront.Checkout.Saga.CheckoutInterruptedException>(() =>
            With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(request, default)));
        Assert.Equal(before + 1, store.Stripe.SucceededCharges);

        await RecoverAsync();
        var order = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Orders.AsNoTracking().SingleAsync(o => o.CheckoutId == request.CheckoutId));
        Assert.Equal("Paid", order.Status);
        Assert.Equal(before + 1, store.Stripe.SucceededCharges);
        Assert.Equal(0, store.Stripe.RefundedCents(order.PaymentId!));
        // The eventually consistent search is never what decides.
        Assert.DoesNotContain(store.Stripe.Requests, r => r.Path.Contains("search", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_webhook_only_leaves_a_hint_and_never_takes_a_checkout_from_the_request_driving_it()
    {
        var (cart, _) = await CartAsync();
        var request = Request(cart);
        // The request is between "charging" and Stripe's answer when the webhook arrives.
        store.Faults.At(request.CheckoutId, Storefront.Checkout.Saga.CheckoutStep.Charge, Storefront.Checkout.Saga.CheckoutFault.Crash);
        await Assert.ThrowsAsync<Storefront.Checkout.Saga.CheckoutInterruptedException>(() =>
            With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(request, default)));
        var key = request.CheckoutId.ToString("N");
        var lease = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.AsNoTracking()
            .Where(c => c.Id == request.CheckoutId).Select(c => new { c.State, c.LeaseOwner, c.LeaseUntil, c.Version }).SingleAsync());
        Assert.Equal("charging", lease.State);

        var payload = Event("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.processing", key);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(payload, StripeStandIn.Sign(payload, StripeStoreFixture.WebhookSecret, DateTimeOffset.UtcNow))).StatusCode);
        var after = await With(sp => sp.GetRequiredService<CheckoutDbContext>().Checkouts.AsNoTracking()
            .Where(c => c.Id == request.CheckoutId).Select(c => new { c.State, c.LeaseOwner, c.LeaseUntil, c.Version }).SingleAsync());
        Assert.Equal(lease, after);
        Assert.Equal("pi_webhook", await With(sp => sp.GetRequiredService<CheckoutDbContext>().CheckoutSteps.AsNoTracking()
            .Where(s => s.CheckoutId == request.CheckoutId && s.Step == "webhook").Select(s => s.Detail).SingleAsync()));
    }

    private static string Event(string id, string type, string checkoutKey) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id, ["object"] = "event", ["type"] = type, ["api_version"] = "2024-06-20", ["created"] = 1_700_000_000, ["livemode"] = false,
        ["data"] = new Dictionary<string, object?>
        {
            ["object"] = new Dictionary<string, object?>
            {
                ["id"] = "pi_webhook", ["object"] = "payment_intent", ["amount"] = 1000, ["currency"] = "usd", ["status"] = "succeeded",
                ["metadata"] = new Dictionary<string, string> { ["checkout_id"] = checkoutKey },
            },
        },
    });

    private async Task<HttpResponseMessage> PostWebhookAsync(string payload, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", signature);
        return await store.Client().SendAsync(request);
    }

    [Fact]
    public async Task The_webhook_checks_the_signature_and_handles_each_event_once()
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");
        var payload = Event(id, "payment_intent.succeeded", Guid.NewGuid().ToString("N"));
        var signature = StripeStandIn.Sign(payload, StripeStoreFixture.WebhookSecret, DateTimeOffset.UtcNow);

        var first = await PostWebhookAsync(payload, signature);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        var second = await PostWebhookAsync(payload, signature);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await With(sp => sp.GetRequiredService<CheckoutDbContext>().ProcessedWebhookEvents.CountAsync(e => e.EventId == id)));

        var forged = await PostWebhookAsync(payload, StripeStandIn.Sign(payload, "whsec_someone_else", DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        var stale = await PostWebhookAsync(payload.Replace(id, id + "x", StringComparison.Ordinal), StripeStandIn.Sign(payload, StripeStoreFixture.WebhookSecret, DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync("not json", "t=1,v1=00")).StatusCode);
    }

    [Fact]
    public async Task With_Stripe_the_review_page_takes_a_PaymentMethod_from_Stripe_js_and_places_the_order()
    {
        var product = await store.ProductAsync(onHand: 5);
        var client = store.Client();
        await client.PostAsJsonAsync("/api/cart/lines", new { sku = product.Sku, quantity = 1 });
        var delivery = await client.GetStringAsync("/checkout");
        var toReview = await client.PostAsync("/checkout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Email"] = "pat@example.test", ["Form.Name"] = "Pat Stripe", ["Form.Line1"] = "3 Bay Rd", ["Form.City"] = "Portland",
            ["Form.Region"] = "OR", ["Form.PostalCode"] = "97201", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(delivery),
        }));
        var reviewHtml = await toReview.Content.ReadAsStringAsync();
        var review = await Html.ParseAsync(reviewHtml);
        // No card number field: Stripe Elements draws the card field and Stripe.js makes the PaymentMethod.
        Assert.Equal("pk_test_standin", review.QuerySelector("#card-element")!.GetAttribute("data-key"));
        Assert.Equal("hidden", review.QuerySelector("#Card")!.GetAttribute("type"));
        Assert.NotNull(review.QuerySelector("script[src='https://js.stripe.com/v3/']"));

        var form = review.QuerySelectorAll("form.payment input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        form["Card"] = "pm_card_visa";
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(reviewHtml);
        var before = store.Stripe.SucceededCharges;
        var placed = await client.PostAsync("/checkout/review", new FormUrlEncodedContent(form));
        Assert.StartsWith("/orders/SF-", placed.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(before + 1, store.Stripe.SucceededCharges);
    }
}
