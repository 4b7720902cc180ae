using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Discounts;

/// <summary>
/// A discount code. <see cref="Used"/> counts the redemptions that stand (orders placed with it and
/// checkouts under way); the database keeps it within <see cref="UsageLimit"/>.
/// </summary>
internal sealed class Discount
{
    public Guid Id { get; set; }
    /// <summary>Normalized (<see cref="DiscountCodeText.Normalize"/>): unique.</summary>
    public string Code { get; set; } = "";
    public DiscountKind Kind { get; set; }
    /// <summary>A percentage (1–100) or an amount of the store's currency.</summary>
    public decimal Value { get; set; }
    public decimal? MinimumSubtotal { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public int? UsageLimit { get; set; }
    public bool OncePerCustomer { get; set; }
    public bool Active { get; set; } = true;
    public int Used { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A checkout's use of a code, keyed by the checkout: taken when the checkout is priced, before the
/// charge; deleted (and the count given back) when the checkout ends without an order.
/// </summary>
internal sealed class DiscountRedemption
{
    public Guid CheckoutId { get; set; }
    public Guid DiscountId { get; set; }
    /// <summary>The order's e-mail address in lower case: "once per customer" is per address, guests included.</summary>
    public string Email { get; set; } = "";
    public decimal Amount { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The rules of a discount that need nothing but their inputs; tests check them without a store.</summary>
internal static class DiscountRules
{
    public const decimal MaxAmount = 100_000m;
    public const decimal MaxMinimum = 1_000_000m;
    public const int MaxUsageLimit = 1_000_000;

    /// <summary>What the code takes off goods of <paramref name="subtotal"/>: a percentage rounded to the cent (halves away from zero), or the amount, never more than the goods.</summary>
    public static decimal AmountOff(DiscountKind kind, decimal value, decimal subtotal) => kind switch
    {
        DiscountKind.Percent => Math.Min(subtotal, Math.Round(subtotal * value / 100m, 2, MidpointRounding.AwayFromZero)),
        _ => Math.Min(subtotal, value),
    };

    /// <summary>
    /// Why a code, as read, cannot be used now on goods of <paramref name="subtotal"/>, or null ("once
    /// per customer" aside: that needs the address's earlier uses).
    /// </summary>
    public static Problem? Refusal(Discount discount, DateTimeOffset now, decimal subtotal, string currency)
    {
        if (!discount.Active || discount.EndsAt is { } end && end <= now) return Problem.Of(CheckoutProblems.DiscountOver);
        if (discount.StartsAt is { } start && start > now) return Problem.Of(CheckoutProblems.DiscountNotYet);
        if (discount.MinimumSubtotal is { } minimum && subtotal < minimum)
            return Problem.Of(CheckoutProblems.DiscountMinimum, ("minimum", new BuildingBlocks.Money(minimum, currency)));
        if (discount.UsageLimit is { } limit && discount.Used >= limit) return Problem.Of(CheckoutProblems.DiscountUsedUp);
        return null;
    }

    /// <summary>What is wrong with a code a merchant writes, by field; empty when nothing is.</summary>
    public static Dictionary<string, Problem> Validate(DiscountInput input)
    {
        var errors = new Dictionary<string, Problem>();
        if (!DiscountCodeText.IsWellFormed(DiscountCodeText.Normalize(input.Code))) errors[nameof(DiscountInput.Code)] = Problem.Of(CheckoutProblems.DiscountCodeFormat);
        static bool Cents(decimal v) => decimal.Round(v, 2) == v;
        if (input.Kind == DiscountKind.Percent)
        {
            if (input.Value is < 1 or > 100 || decimal.Truncate(input.Value) != input.Value)
                errors[nameof(DiscountInput.Value)] = Problem.Of(CheckoutProblems.DiscountPercentRange);
        }
        else if (input.Kind == DiscountKind.Amount)
        {
            if (input.Value is <= 0 or > MaxAmount || !Cents(input.Value)) errors[nameof(DiscountInput.Value)] = Problem.Of(CheckoutProblems.DiscountAmountRange);
        }
        else errors[nameof(DiscountInput.Value)] = Problem.Of(CheckoutProblems.DiscountPercentRange);
        if (input.MinimumSubtotal is { } min && (min is < 0 or > MaxMinimum || !Cents(min)))
            errors[nameof(DiscountInput.MinimumSubtotal)] = Problem.Of(CheckoutProblems.DiscountMinimumRange);
        if (input is { StartsAt: { } from, EndsAt: { } to } && to <= from)
            errors[nameof(DiscountInput.EndsAt)] = Problem.Of(CheckoutProblems.DiscountEndBeforeStart);
        if (input.UsageLimit is < 1 or > MaxUsageLimit) errors[nameof(DiscountInput.UsageLimit)] = Problem.Of(CheckoutProblems.DiscountLimitRange);
        return errors;
    }
}
