using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Data;

namespace Storefront.Checkout.Discounts;

/// <summary>What redeeming a code for a checkout gave: the amount taken off, or why it cannot be used.</summary>
internal readonly record struct Redemption(decimal Amount, Problem? Refused);

/// <summary>
/// Discount codes: the merchant's list, the quote's look-up, and each checkout's use of a code. A use
/// is taken under a lock on the code's row, so its limit and "once per customer" hold however many
/// checkouts use the code at once; a checkout that ends without an order gives its use back.
/// </summary>
internal sealed class DiscountCodes(CheckoutDbContext db, IOptions<StoreCurrencyOptions> store, TimeProvider clock) : IDiscountCodes
{
    public async Task<IReadOnlyList<DiscountView>> ListAsync(CancellationToken cancellationToken)
    {
        var codes = await db.Discounts.AsNoTracking().OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Code).ToListAsync(cancellationToken);
        // From the orders' partial index on discount_code: only orders placed with a code are read.
        var uses = await db.Orders.AsNoTracking().Where(o => o.DiscountCode != null && o.Status != Orders.OrderStatus.Cancelled)
            .GroupBy(o => o.DiscountCode!)
            .Select(g => new { Code = g.Key, Orders = g.Count(), Given = g.Sum(o => o.Discount), Sales = g.Sum(o => o.Total) })
            .ToDictionaryAsync(u => u.Code, cancellationToken);
        var currency = store.Value.Currency;
        return codes.Select(d => uses.TryGetValue(d.Code, out var use)
            ? View(d) with { Orders = use.Orders, Given = new Money(use.Given, currency), Sales = new Money(use.Sales, currency) }
            : View(d) with { Given = new Money(0, currency), Sales = new Money(0, currency) }).ToList();
    }

    public async Task<DiscountView?> GetAsync(string code, CancellationToken cancellationToken) =>
        await FindAsync(DiscountCodeText.Normalize(code), cancellationToken) is { } found ? View(found) : null;

    /// <summary>The code (normalized) as it is now, without a lock: what a quote shows.</summary>
    public Task<Discount?> FindAsync(string normalizedCode, CancellationToken ct) =>
        db.Discounts.AsNoTracking().FirstOrDefaultAsync(d => d.Code == normalizedCode, ct);

    public async Task<DiscountChangeResult> CreateAsync(DiscountInput input, CancellationToken cancellationToken)
    {
        var errors = DiscountRules.Validate(input);
        if (errors.Count > 0) return new(errors);
        var code = DiscountCodeText.Normalize(input.Code);
        db.Discounts.Add(new Discount
        {
            Id = Guid.CreateVersion7(), Code = code, Kind = input.Kind, Value = input.Value, MinimumSubtotal = input.MinimumSubtotal is > 0 ? input.MinimumSubtotal : null,
            StartsAt = input.StartsAt, EndsAt = input.EndsAt, UsageLimit = input.UsageLimit, OncePerCustomer = input.OncePerCustomer,
            Active = true, CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return DiscountChangeResult.Ok;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return DiscountChangeResult.Fail(nameof(DiscountInput.Code), Problem.Of(CheckoutProblems.DiscountCodeTaken, ("code", code)));
        }
    }

    public async Task<bool> SetActiveAsync(string code, bool active, CancellationToken cancellationToken)
    {
        var normalized = DiscountCodeText.Normalize(code);
        return await db.Discounts.Where(d => d.Code == normalized).ExecuteUpdateAsync(u => u.SetProperty(d => d.Active, active), cancellationToken) > 0;
    }

    /// <summary>
    /// Takes a use of the code for the checkout, or says why it cannot be used (unknown, not live, the
    /// goods below its minimum, used up, used by this address already). The same checkout again gets
    /// the use it has. Runs in its own transaction: nothing else of the caller's may be pending.
    /// </summary>
    public async Task<Redemption> RedeemAsync(Guid checkoutId, string normalizedCode, string email, decimal subtotal, CancellationToken ct)
    {
        var address = email.Trim().ToLowerInvariant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock makes every use of one code take its turn: the count and the per-customer check see each other.
        var discount = (await db.Discounts.FromSql($"SELECT * FROM checkout.discounts WHERE code = {normalizedCode} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        if (discount is null) return new(0, Problem.Of(CheckoutProblems.DiscountUnknown, ("code", normalizedCode)));
        if (await db.DiscountRedemptions.AsNoTracking().FirstOrDefaultAsync(r => r.CheckoutId == checkoutId, ct) is { } taken)
            return new(taken.Amount, null);
        if (DiscountRules.Refusal(discount, clock.GetUtcNow(), subtotal, store.Value.Currency) is { } refusal) return new(0, refusal);
        if (discount.OncePerCustomer && await db.DiscountRedemptions.AnyAsync(r => r.DiscountId == discount.Id && r.Email == address, ct))
            return new(0, Problem.Of(CheckoutProblems.DiscountAlreadyUsed));
        var amount = DiscountRules.AmountOff(discount.Kind, discount.Value, subtotal);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO checkout.discount_redemptions (checkout_id, discount_id, email, amount, at)
            VALUES ({checkoutId}, {discount.Id}, {address}, {amount}, {clock.GetUtcNow()})
            """, ct);
        await db.Database.ExecuteSqlAsync($"UPDATE checkout.discounts SET used = used + 1 WHERE id = {discount.Id}", ct);
        await tx.CommitAsync(ct);
        return new(amount, null);
    }

    /// <summary>Gives a checkout's use of a code back (a checkout that ended without an order); nothing when it has none. Safe to repeat.</summary>
    public Task ReleaseAsync(Guid checkoutId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            WITH gone AS (DELETE FROM checkout.discount_redemptions WHERE checkout_id = {checkoutId} RETURNING discount_id)
            UPDATE checkout.discounts d SET used = d.used - 1 FROM gone WHERE d.id = gone.discount_id
            """, ct);

    private DiscountView View(Discount d) => new(d.Code, d.Kind, d.Value,
        d.MinimumSubtotal is { } min ? new Money(min, store.Value.Currency) : null, d.StartsAt, d.EndsAt, d.UsageLimit, d.OncePerCustomer, d.Active, d.Used, d.CreatedAt);
}
