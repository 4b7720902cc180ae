using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

public enum PaymentStatus
{
    Succeeded,
    /// <summary>The card was refused; the shopper can try another.</summary>
    Declined,
    /// <summary>The provider failed to process the payment; nothing was taken.</summary>
    Failed,
    /// <summary>A temporary problem; the same request (same idempotency key) may be sent again.</summary>
    RetryLater,
}

/// <summary>
/// A charge. The idempotency key makes a repeated request return the first one's result and never
/// charge twice.
/// </summary>
public sealed record ChargeRequest(string IdempotencyKey, Money Amount, string PaymentMethod, string Description);

/// <summary>
/// A charge's answer. <see cref="Problem"/> says why it did not succeed: a <see cref="CheckoutProblems"/>
/// code, carrying the provider's own text as a value where the provider explains a decline.
/// </summary>
public sealed record PaymentResult(PaymentStatus Status, string? PaymentId, Problem? Problem);

public sealed record RefundRequest(string IdempotencyKey, string PaymentId, Money Amount);

public sealed record RefundResult(bool Succeeded, string? RefundId, Problem? Problem);

/// <summary>The payment provider, behind our own interface: Stripe, or the built-in test gateway.</summary>
public interface IPaymentGateway
{
    Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// What became of a charge whose answer was lost (the process died, or the call timed out): how
    /// the recovery job learns whether a checkout took money. The answer must never be stale, so no
    /// eventually consistent search is used: the payment is read by <paramref name="knownPaymentId"/>
    /// when a webhook named it, otherwise the same request is repeated with the same idempotency key,
    /// which returns the first request's result if it arrived and otherwise settles the key now — so
    /// an original request still on its way can never charge afterwards.
    /// <see cref="PaymentStatus.RetryLater"/> means the answer is not known yet.
    /// </summary>
    Task<PaymentResult> ResumeChargeAsync(ChargeRequest request, string? knownPaymentId, CancellationToken cancellationToken);
}
