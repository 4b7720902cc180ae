using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;

namespace Storefront.FlashSale.Contracts;

/// <summary>
/// A sale as the merchant sets it up. The price is in the store's currency (<c>Storefront:Currency</c>).
/// Admission rate is shoppers let in per minute; the purchase window is how long an admitted shopper has to buy.
/// </summary>
public sealed record SaleInput(
    string Slug,
    string Sku,
    int Units,
    decimal Price,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int AdmissionPerMinute,
    int LimitPerCustomer = 1,
    TimeSpan? PurchaseWindow = null,
    bool GuestsAllowed = false)
{
    public static readonly TimeSpan DefaultPurchaseWindow = TimeSpan.FromMinutes(5);
}

/// <summary>Draft: set up, no stock taken. Armed: its units are out of normal stock and held for the sale.</summary>
public enum SaleStatus { Draft, Armed }

public sealed record SaleSummary(
    Guid Id,
    string Slug,
    string Sku,
    int Units,
    Money Price,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int LimitPerCustomer,
    int AdmissionPerMinute,
    TimeSpan PurchaseWindow,
    bool GuestsAllowed,
    SaleStatus Status,
    int QuotaHeld,
    DateTimeOffset CreatedAt);

public enum ArmOutcome { Armed, AlreadyArmed, Refused }

public sealed record ArmResult(ArmOutcome Outcome, Problem? Problem = null)
{
    public bool Succeeded => Outcome is ArmOutcome.Armed or ArmOutcome.AlreadyArmed;
}

/// <summary>The merchant's side of flash sales: setting them up and arming them.</summary>
public interface IFlashSaleAdmin
{
    /// <summary>
    /// Creates a draft sale, or reports per field (the names of <see cref="SaleInput"/>) why not; a
    /// refusal writes nothing. Two identical requests at once make one sale.
    /// </summary>
    Task<CommandResult<Guid>> CreateAsync(SaleInput input, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the sale's units out of on-hand stock (one stock-ledger line referencing the sale) and
    /// holds them as the sale's quota. Arming again, or twice at once, takes them once.
    /// </summary>
    Task<ArmResult> ArmAsync(Guid saleId, string actor, CancellationToken cancellationToken);

    Task<SaleSummary?> GetAsync(Guid saleId, CancellationToken cancellationToken);

    /// <summary>Sales by start, newest first.</summary>
    Task<IReadOnlyList<SaleSummary>> ListAsync(int take, CancellationToken cancellationToken);
}
