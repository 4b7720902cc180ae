using Microsoft.EntityFrameworkCore;
using Npgsql;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Payments;

/// <summary>A charge or refund the test gateway has answered, kept so a repeated key gets the same answer.</summary>
internal sealed class TestGatewayPayment
{
    public string IdempotencyKey { get; set; } = "";
    public string PaymentId { get; set; } = "";
    public string Kind { get; set; } = "charge";
    /// <summary>For a refund: the payment it gives money back from.</summary>
    public string? RefundOf { get; set; }
    public string Status { get; set; } = "";
    /// <summary>Why it did not succeed: a problem as <see cref="ProblemJson"/> (plain text in rows written before problems were).</summary>
    public string? Message { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The built-in payment gateway for development, demos and tests. It behaves like a card processor
/// in test mode, with Stripe-style test cards, and keeps its answers in PostgreSQL so that the same
/// idempotency key always gets the first answer, across restarts:
/// <list type="bullet">
/// <item>4242 4242 4242 4242 — succeeds;</item>
/// <item>4000 0000 0000 0002 — declined;</item>
/// <item>4000 0000 0000 0119 — processing error (nothing taken);</item>
/// <item>4000 0000 0000 0077 — a temporary error the first time; the same request again succeeds.</item>
/// </list>
/// Any other number is declined, naming the test card.
/// </summary>
internal sealed class TestPaymentGateway(CheckoutDbContext db, TimeProvider clock) : IPaymentGateway
{
    public const string SuccessCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string ProcessingErrorCard = "4000000000000119";
    public const string RetryCard = "4000000000000077";

    public async Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var existing = await db.TestGatewayPayments.FirstOrDefaultAsync(p => p.IdempotencyKey == request.IdempotencyKey, ct);
        if (existing is { Status: not "retry" }) return Answer(existing);

        var card = new string(request.PaymentMethod.Where(char.IsDigit).ToArray());
        var (status, problem) = card switch
        {
            SuccessCard => ("succeeded", null),
            DeclinedCard => ("declined", CheckoutProblems.CardDeclined),
            ProcessingErrorCard => ("failed", CheckoutProblems.CardProcessingError),
            RetryCard when existing is null => ("retry", CheckoutProblems.ProviderBusy),
            RetryCard => ("succeeded", null),
            _ => ("declined", CheckoutProblems.TestCardsOnly),
        };
        if (request.Amount.Amount <= 0) (status, problem) = ("failed", CheckoutProblems.AmountNotPositive);
        var message = problem is null ? null : ProblemJson.Write(Problem.Of(problem));

        if (existing is not null)
        {
            (existing.Status, existing.Message, existing.Attempts) = (status, message, existing.Attempts + 1);
            await db.SaveChangesAsync(ct);
            return Answer(existing);
        }
        var payment = new TestGatewayPayment
        {
            IdempotencyKey = request.IdempotencyKey, PaymentId = "pi_test_" + Guid.NewGuid().ToString("N")[..24], Kind = "charge",
            Status = status, Message = message, Amount = request.Amount.Amount, Currency = request.Amount.Currency,
            Attempts = 1, CreatedAt = clock.GetUtcNow(),
        };
        return Answer(await InsertOrFirstAsync(payment, ct));
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct)
    {
        if (await db.TestGatewayPayments.AsNoTracking().FirstOrDefaultAsync(p => p.IdempotencyKey == request.IdempotencyKey, ct) is { } done)
            return new(done.Status == "succeeded", done.PaymentId, Read(done.Message));
        var charge = await db.TestGatewayPayments.AsNoTracking().FirstOrDefaultAsync(p => p.PaymentId == request.PaymentId && p.Kind == "charge", ct);
        if (charge is not { Status: "succeeded" }) return new(false, null, Problem.Of(CheckoutProblems.NoChargeToRefund));
        var refunded = await db.TestGatewayPayments.Where(p => p.RefundOf == request.PaymentId && p.Status == "succeeded").SumAsync(p => p.Amount, ct);
        if (request.Amount.Amount <= 0 || refunded + request.Amount.Amount > charge.Amount)
        {
            // The same request may have been answered a moment ago (and its amount is what is counted
            // as refunded): it gets that first answer, as an idempotent request should.
            if (await db.TestGatewayPayments.AsNoTracking().FirstOrDefaultAsync(p => p.IdempotencyKey == request.IdempotencyKey, ct) is { } first)
                return new(first.Status == "succeeded", first.PaymentId, Read(first.Message));
            return new(false, null, Problem.Of(CheckoutProblems.ProviderRefundAtMost, ("amount", charge.Amount - refunded), ("currency", charge.Currency)));
        }
        var refund = await InsertOrFirstAsync(new TestGatewayPayment
        {
            IdempotencyKey = request.IdempotencyKey, PaymentId = "re_test_" + Guid.NewGuid().ToString("N")[..24], Kind = "refund",
            RefundOf = request.PaymentId, Status = "succeeded", Amount = request.Amount.Amount, Currency = request.Amount.Currency,
            Attempts = 1, CreatedAt = clock.GetUtcNow(),
        }, ct);
        return new(refund.Status == "succeeded", refund.PaymentId, Read(refund.Message));
    }

    public async Task<PaymentResult> ResumeChargeAsync(ChargeRequest request, string? knownPaymentId, CancellationToken ct)
    {
        // The first request with a key wins. One that never arrived is settled as not charged, so
        // the original, should it still arrive, gets that answer instead of charging.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO checkout.test_gateway_payments (idempotency_key, payment_id, kind, status, message, amount, currency, attempts, created_at)
            VALUES ({request.IdempotencyKey}, {"pi_test_" + Guid.NewGuid().ToString("N")[..24]}, 'charge', 'failed',
                    {ProblemJson.Write(Problem.Of(CheckoutProblems.InterruptedBeforePayment))}, {request.Amount.Amount}, {request.Amount.Currency}, 0, {clock.GetUtcNow()})
            ON CONFLICT (idempotency_key) DO UPDATE SET status = 'failed', message = excluded.message
                WHERE test_gateway_payments.status = 'retry'
            """, ct);
        var payment = await db.TestGatewayPayments.AsNoTracking().FirstAsync(p => p.IdempotencyKey == request.IdempotencyKey, ct);
        return Answer(payment);
    }

    /// <summary>Two requests with one key at once: the first insert wins and both get its answer.</summary>
    private async Task<TestGatewayPayment> InsertOrFirstAsync(TestGatewayPayment payment, CancellationToken ct)
    {
        db.TestGatewayPayments.Add(payment);
        try
        {
            await db.SaveChangesAsync(ct);
            return payment;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return await db.TestGatewayPayments.AsNoTracking().FirstAsync(p => p.IdempotencyKey == payment.IdempotencyKey, ct);
        }
    }

    private static PaymentResult Answer(TestGatewayPayment p) => p.Status switch
    {
        "succeeded" => new(PaymentStatus.Succeeded, p.PaymentId, null),
        "declined" => new(PaymentStatus.Declined, null, Read(p.Message)),
        "retry" => new(PaymentStatus.RetryLater, null, Read(p.Message)),
        _ => new(PaymentStatus.Failed, null, Read(p.Message)),
    };

    private static Problem? Read(string? message) =>
        message is null ? null : ProblemJson.Read(message) ?? Problem.Of(CheckoutProblems.AsWritten, ("text", message));
}
