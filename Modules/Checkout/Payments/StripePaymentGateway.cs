using Microsoft.Extensions.Options;
using Stripe;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Payments;

public sealed class StripeOptions
{
    /// <summary>The secret API key (sk_live_… or sk_test_…).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The API's address; only changed to point at a stand-in in tests.</summary>
    public string? ApiBase { get; set; }

    /// <summary>The signing secret of the webhook endpoint (whsec_…).</summary>
    public string WebhookSecret { get; set; } = "";
}

/// <summary>
/// Payments through Stripe with Stripe.net: a PaymentIntent created and confirmed in one call, with
/// the checkout id as Stripe's idempotency key (a repeated request returns the first PaymentIntent
/// and never charges twice, which is also how recovery learns what became of a charge) and as
/// metadata, which is how webhooks name the checkout. The
/// payment method is a Stripe PaymentMethod id (pm_…), made in the browser by Stripe.js; card
/// numbers never reach this server.
/// </summary>
internal sealed class StripePaymentGateway(IOptions<StripeOptions> options) : IPaymentGateway
{
    private StripeClient Client => new(options.Value.SecretKey, apiBase: string.IsNullOrWhiteSpace(options.Value.ApiBase) ? null : options.Value.ApiBase);

    private static long Cents(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);

    public async Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var service = new PaymentIntentService(Client);
        try
        {
            var intent = await service.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = Cents(request.Amount.Amount),
                Currency = request.Amount.Currency.ToLowerInvariant(),
                PaymentMethod = request.PaymentMethod,
                Confirm = true,
                Description = request.Description,
                Metadata = new Dictionary<string, string> { ["checkout_id"] = request.IdempotencyKey },
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);
            return Answer(intent);
        }
        catch (StripeException ex)
        {
            return Failure(ex);
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct)
    {
        try
        {
            var refund = await new RefundService(Client).CreateAsync(new RefundCreateOptions
            {
                PaymentIntent = request.PaymentId,
                Amount = Cents(request.Amount.Amount),
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);
            return refund.Status is "succeeded" or "pending"
                ? new RefundResult(true, refund.Id, null)
                : new RefundResult(false, refund.Id, Problem.Of(CheckoutProblems.ProviderRefundStatus, ("status", refund.Status)));
        }
        catch (StripeException ex)
        {
            return new RefundResult(false, null, ProviderSaid(ex.StripeError?.Message ?? ex.Message));
        }
    }

    public async Task<PaymentResult> ResumeChargeAsync(ChargeRequest request, string? knownPaymentId, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(knownPaymentId))
        {
            try
            {
                // Reading one PaymentIntent by id is consistent, unlike Stripe's search.
                return Answer(await new PaymentIntentService(Client).GetAsync(knownPaymentId, null, null, ct));
            }
            catch (StripeException ex) when (ex.StripeError?.Code != "resource_missing")
            {
                // A failed read says nothing about the payment.
                return Unknown();
            }
            catch (StripeException)
            {
                // A hint that names no PaymentIntent of ours: fall back to repeating the request.
            }
        }
        if (!request.PaymentMethod.StartsWith("pm_", StringComparison.Ordinal))
        {
            // Without the payment method the request cannot be repeated exactly; a different one would
            // not settle the key. Leave it for the next pass (and the operator), never guess "not charged".
            return Unknown();
        }
        // Stripe keeps an idempotent request's result for at least 24 hours: the same key and the same
        // parameters return the first result, or make the charge now if the first never arrived.
        return await ChargeAsync(request, ct);
    }

    private static PaymentResult Unknown() =>
        new(PaymentStatus.RetryLater, null, Problem.Of(CheckoutProblems.PaymentNotKnownYet));

    private static PaymentResult Answer(PaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new(PaymentStatus.Succeeded, intent.Id, null),
        "processing" => new(PaymentStatus.RetryLater, intent.Id, Problem.Of(CheckoutProblems.PaymentProcessing)),
        "requires_payment_method" => new(PaymentStatus.Declined, null, Declined(intent.LastPaymentError?.Message)),
        _ => new(PaymentStatus.Failed, null, Problem.Of(CheckoutProblems.PaymentStepUnsupported, ("status", intent.Status))),
    };

    private static PaymentResult Failure(StripeException ex) => ex.StripeError?.Type switch
    {
        "card_error" => new(PaymentStatus.Declined, null, Declined(ex.StripeError.Message)),
        "rate_limit_error" or "api_connection_error" => new(PaymentStatus.RetryLater, null, Problem.Of(CheckoutProblems.ProviderBusy)),
        _ when (int)ex.HttpStatusCode >= 500 => new(PaymentStatus.RetryLater, null, Problem.Of(CheckoutProblems.ProviderTrouble)),
        _ => new(PaymentStatus.Failed, null, ex.StripeError?.Message is { } said ? ProviderSaid(said) : Problem.Of(CheckoutProblems.PaymentNotProcessed)),
    };

    /// <summary>Stripe explains a decline in its own words (in the shopper's language where it knows it): they are a value, the store's words go around them.</summary>
    private static Problem Declined(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? Problem.Of(CheckoutProblems.CardDeclined) : Problem.Of(CheckoutProblems.DeclinedByProvider, ("reason", reason));

    private static Problem ProviderSaid(string text) => Problem.Of(CheckoutProblems.AsWritten, ("text", text));
}
