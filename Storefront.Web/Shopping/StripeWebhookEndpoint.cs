using Storefront.Checkout.Contracts;

namespace Storefront.Web.Shopping;

internal static class StripeWebhookEndpoint
{
    /// <summary>POST /api/stripe/webhook: Stripe's events, checked against the endpoint's signing secret.</summary>
    public static WebApplication MapStripeWebhook(this WebApplication app)
    {
        app.MapPost("/api/stripe/webhook", async (HttpRequest request, IStripeWebhooks webhooks, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var payload = await reader.ReadToEndAsync(ct);
            var outcome = await webhooks.HandleAsync(payload, request.Headers["Stripe-Signature"], ct);
            return outcome == WebhookOutcome.BadSignature
                ? Results.Problem("The Stripe-Signature header does not match this endpoint's signing secret.", statusCode: StatusCodes.Status400BadRequest, title: "Bad signature")
                : Results.Ok(new { received = true, duplicate = outcome == WebhookOutcome.Duplicate });
        });
        return app;
    }
}
