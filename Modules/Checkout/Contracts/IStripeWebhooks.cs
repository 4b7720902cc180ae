namespace Storefront.Checkout.Contracts;

public enum WebhookOutcome { Handled, Duplicate, BadSignature }

/// <summary>Stripe's webhook events, verified and handled once each.</summary>
public interface IStripeWebhooks
{
    Task<WebhookOutcome> HandleAsync(string payload, string? signatureHeader, CancellationToken cancellationToken);
}
