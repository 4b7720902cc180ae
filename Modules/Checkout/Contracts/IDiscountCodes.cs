using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

/// <summary>What a discount code takes off: a percentage of the goods, or an amount of money (never more than the goods).</summary>
public enum DiscountKind
{
    Percent,
    Amount,
}

/// <summary>
/// A discount code as a merchant writes it. <see cref="Code"/> is compared without regard to case;
/// <see cref="MinimumSubtotal"/> is of the goods before the discount; <see cref="UsageLimit"/> counts
/// orders (a checkout that fails gives its use back); <see cref="OncePerCustomer"/> is per e-mail address.
/// </summary>
public sealed record DiscountInput(
    string Code,
    DiscountKind Kind,
    decimal Value,
    decimal? MinimumSubtotal = null,
    DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null,
    int? UsageLimit = null,
    bool OncePerCustomer = false);

/// <summary>A discount code with how often it has been used (orders placed with it, and checkouts under way).</summary>
public sealed record DiscountView(
    string Code,
    DiscountKind Kind,
    decimal Value,
    Money? MinimumSubtotal,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    int? UsageLimit,
    bool OncePerCustomer,
    bool Active,
    int Used,
    DateTimeOffset CreatedAt)
{
    /// <summary>Orders placed with the code that were not cancelled (<see cref="ListAsync"/> only; 0 elsewhere).</summary>
    public int Orders { get; init; }

    /// <summary>What the code took off those orders' goods.</summary>
    public Money? Given { get; init; }

    /// <summary>What those orders came to (after the discount, with shipping and tax).</summary>
    public Money? Sales { get; init; }

    /// <summary>Where the code stands at <paramref name="now"/>, in the words of <see cref="DiscountState"/>.</summary>
    public string StateAt(DateTimeOffset now) =>
        !Active ? DiscountState.Ended
        : EndsAt is { } end && end <= now ? DiscountState.Expired
        : StartsAt is { } start && start > now ? DiscountState.Scheduled
        : UsageLimit is { } limit && Used >= limit ? DiscountState.UsedUp
        : DiscountState.Live;
}

/// <summary>Where a discount code stands, as the merchant's list shows it.</summary>
public static class DiscountState
{
    public const string Live = "Live";
    public const string Scheduled = "Scheduled";
    public const string Expired = "Expired";
    public const string UsedUp = "Used up";
    public const string Ended = "Ended";
}

/// <summary>How a change to the discount codes went: the problems by field (Code, Value, MinimumSubtotal, StartsAt, EndsAt, UsageLimit), empty when it was made.</summary>
public sealed record DiscountChangeResult(IReadOnlyDictionary<string, Problem> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static DiscountChangeResult Ok { get; } = new(new Dictionary<string, Problem>());

    public static DiscountChangeResult Fail(string field, Problem problem) => new(new Dictionary<string, Problem> { [field] = problem });
}

/// <summary>The merchant's side of discount codes: list, create, end and restart them.</summary>
public interface IDiscountCodes
{
    /// <summary>Every code, newest first, with the orders placed with it that were not cancelled, what it gave and what they came to.</summary>
    Task<IReadOnlyList<DiscountView>> ListAsync(CancellationToken cancellationToken);

    Task<DiscountView?> GetAsync(string code, CancellationToken cancellationToken);

    /// <summary>Creates a code; a code that exists already (in any case) is refused, also when two merchants create it at once.</summary>
    Task<DiscountChangeResult> CreateAsync(DiscountInput input, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a code (no new checkout can use it; orders placed with it keep their discount) or starts
    /// it again; false when there is no such code.
    /// </summary>
    Task<bool> SetActiveAsync(string code, bool active, CancellationToken cancellationToken);
}

/// <summary>The rules of a code's text, shared by the merchant's form and the shopper's.</summary>
public static class DiscountCodeText
{
    public const int MaxLength = 32;

    /// <summary>A code as stored and compared: trimmed, in capitals.</summary>
    public static string Normalize(string? code) => (code ?? "").Trim().ToUpperInvariant();

    /// <summary>3 to 32 letters, digits, dashes or underscores (after <see cref="Normalize"/>).</summary>
    public static bool IsWellFormed(string normalized) =>
        normalized.Length is >= 3 and <= MaxLength && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
