using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Stripe;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;
using Storefront.Checkout.Saga;

namespace Storefront.Checkout.Payments;

/// <summary>A Stripe event this store has handled; a redelivery finds it here and changes nothing.</summary>
internal sealed class ProcessedWebhookEvent
{
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}


/// <summary>
/// Stripe's webhook: the signature is checked with the endpoint's secret, each event is handled
/// once (its id is recorded in the same transaction), and a payment event for a checkout that is
/// still waiting on its payment leaves the PaymentIntent's id as a hint for the recovery job.
/// </summary>
internal sealed class StripeWebhooks(CheckoutDbContext db, IOptions<StripeOptions> options, TimeProvider clock) : IStripeWebhooks
{
    public async Task<WebhookOutcome> HandleAsync(string payload, string? signatureHeader, CancellationToken ct)
    {
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(payload, signatureHeader ?? "", options.Value.WebhookSecret, throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            return WebhookOutcome.BadSignature;
        }

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO checkout.processed_webhook_events (event_id, type, received_at) VALUES ({stripeEvent.Id}, {stripeEvent.Type}, {now}) ON CONFLICT DO NOTHING", ct);
        if (inserted == 0) return WebhookOutcome.Duplicate;

        if (stripeEvent.Data.Object is PaymentIntent intent && intent.Metadata?.TryGetValue("checkout_id", out var key) == true
            && Guid.TryParseExact(key, "N", out var checkoutId) && intent.Id is { Length: > 0 and <= 100 })
        {
            // Only a hint: the PaymentIntent's id, for the recovery job to read it by id should the
            // checkout's own request never learn the answer. The checkout row (its owner, its lease) is
            // not touched, so the request driving it goes on undisturbed.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO checkout.checkout_steps (checkout_id, step, outcome, detail, at)
                SELECT {checkoutId}, 'webhook', {stripeEvent.Type[..Math.Min(stripeEvent.Type.Length, 30)]}, {intent.Id}, {now}
                WHERE EXISTS (SELECT 1 FROM checkout.checkouts WHERE id = {checkoutId} AND state = {CheckoutState.Charging})
                """, ct);
        }
        await tx.CommitAsync(ct);
        return WebhookOutcome.Handled;
    }
}
