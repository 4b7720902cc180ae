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

/// <summary>
/// Draft: set up, no stock taken. Armed: its units are out of normal stock and held for the sale.
/// Ended: over (its end passed or the merchant ended it early); unsold units can go back to stock.
/// </summary>
public enum SaleStatus { Draft, Armed, Ended }

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
    DateTimeOffset CreatedAt)
{
    /// <summary>Orders committed against the quota in PostgreSQL.</summary>
    public int Sold { get; init; }

    public bool Paused { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Units given back to normal stock after the sale.</summary>
    public int Returned { get; init; }
}

/// <summary>
/// A running sale, live: from Redis (waiting, admitted, buying now, claimed, remaining, refusals) and
/// PostgreSQL (orders created, stock committed). <see cref="AdmittedLastMinute"/> is the admission
/// rate actually reached; <see cref="CountersMissing"/> says Redis has no counters for the sale.
/// </summary>
public sealed record SaleDashboard(
    SaleSummary Sale,
    SalePhase Phase,
    long Waiting,
    long Admitted,
    long BuyingNow,
    long Claimed,
    long Remaining,
    long TimedOut,
    long GaveUp,
    long Declined,
    IReadOnlyDictionary<string, long> Refused,
    long AdmittedLastMinute,
    int OrdersCreated,
    int OrdersProcessing,
    bool CountersMissing,
    DateTimeOffset At);

/// <summary>
/// The after-sale check: units claimed in Redis, orders created, stock committed in PostgreSQL.
/// Balanced when claims still open (orders being made) are none and the three agree.
/// </summary>
public sealed record Reconciliation(
    int Quota,
    long? ClaimedInRedis,
    int OrdersCreated,
    int StockCommitted,
    int Processing,
    int Unsold,
    int Returned,
    bool Balanced,
    IReadOnlyList<Problem> Findings);

public enum SaleChangeOutcome { Done, Unchanged, Refused }

public sealed record SaleChangeResult(SaleChangeOutcome Outcome, Problem? Problem = null)
{
    public bool Succeeded => Outcome is SaleChangeOutcome.Done or SaleChangeOutcome.Unchanged;
}

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

    Task<SaleDashboard?> DashboardAsync(Guid saleId, CancellationToken cancellationToken);

    /// <summary>Stops admitting shoppers (those admitted may still buy); places are kept.</summary>
    Task<SaleChangeResult> PauseAsync(Guid saleId, string actor, CancellationToken cancellationToken);

    Task<SaleChangeResult> ResumeAsync(Guid saleId, string actor, CancellationToken cancellationToken);

    /// <summary>Ends the sale now: nobody else is admitted or sold to; orders already claimed are still made.</summary>
    Task<SaleChangeResult> EndAsync(Guid saleId, string actor, CancellationToken cancellationToken);

    Task<Reconciliation?> ReconcileAsync(Guid saleId, CancellationToken cancellationToken);

    /// <summary>
    /// After the sale (ended, every order made): gives the units no order took back to normal stock,
    /// with a stock-ledger line referencing the sale. Twice, or twice at once, returns them once.
    /// </summary>
    Task<SaleChangeResult> ReturnUnsoldAsync(Guid saleId, string actor, CancellationToken cancellationToken);
}
