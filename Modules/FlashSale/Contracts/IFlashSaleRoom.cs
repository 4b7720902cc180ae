using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;

namespace Storefront.FlashSale.Contracts;

/// <summary>Where a sale is, as every shopper sees it.</summary>
public enum SalePhase
{
    /// <summary>Not started; shoppers see a countdown (and may join the pre-queue in its last minutes).</summary>
    Upcoming,
    Live,
    /// <summary>The merchant stopped admissions for a while; shoppers keep their places.</summary>
    Paused,
    /// <summary>Redis lost the sale's counters: they are being rebuilt from PostgreSQL. Nobody is admitted or sold to meanwhile.</summary>
    Rebuilding,
    /// <summary>Every unit is claimed and no purchase window is open.</summary>
    SoldOut,
    Ended,
}

/// <summary>What the sale page shows; the units left are approximate (a second old at most).</summary>
public sealed record SaleView(
    Guid Id,
    string Slug,
    string Sku,
    string Title,
    string? ProductSlug,
    string? ImageUrl,
    Money Price,
    Money? RegularPrice,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset PreQueueOpensAt,
    int Units,
    long UnitsLeft,
    int LimitPerCustomer,
    TimeSpan PurchaseWindow,
    bool GuestsAllowed,
    SalePhase Phase);

/// <summary>Where one shopper stands in a sale.</summary>
public enum ShopperState
{
    /// <summary>Joined before the start: places are drawn when the sale starts.</summary>
    PreQueue,
    /// <summary>In line; <see cref="PlaceInLine.Position"/> says where.</summary>
    Waiting,
    /// <summary>Every unit left is held by an admitted shopper: in line in case one comes back.</summary>
    WaitingList,
    /// <summary>Let in: may buy until <see cref="PlaceInLine.WindowEndsAt"/>.</summary>
    Admitted,
    /// <summary>Has bought as many units as the sale allows one customer.</summary>
    Bought,
    /// <summary>Was let in but the purchase window ran out.</summary>
    TimedOut,
    /// <summary>Left the line.</summary>
    GaveUp,
    SoldOut,
    Paused,
    Rebuilding,
    Ended,
}

/// <summary>
/// A shopper's place, for the waiting page and its status endpoint. <see cref="Position"/> is 1-based
/// among those still waiting; <see cref="Estimate"/> comes from the admission rate; poll again after
/// <see cref="PollAfter"/>.
/// </summary>
public sealed record PlaceInLine(
    ShopperState State,
    long? Position,
    TimeSpan? Estimate,
    DateTimeOffset? WindowEndsAt,
    long UnitsLeft,
    TimeSpan PollAfter);

/// <summary>Why a pass was not accepted.</summary>
public enum PassRefusal
{
    /// <summary>Not a pass this store signed, or altered since.</summary>
    Forged,
    /// <summary>Signed for another account or guest session.</summary>
    OtherCustomer,
    /// <summary>Signed for another sale.</summary>
    OtherSale,
    Expired,
}

public enum JoinOutcome
{
    Joined,
    /// <summary>Already in line (another tab, a reload, another browser of the account): the same place.</summary>
    AlreadyJoined,
    SignInRequired,
    /// <summary>The pre-queue is not open yet.</summary>
    TooEarly,
    SoldOut,
    Ended,
    OverLimit,
    /// <summary>Redis is unreachable or rebuilding: try again after the given time.</summary>
    Busy,
}

/// <summary>A join's answer: the signed pass (to keep in a cookie) and the place it gives.</summary>
public sealed record JoinResult(JoinOutcome Outcome, string? Pass, PlaceInLine? Place, TimeSpan? RetryAfter = null)
{
    public bool InLine => Outcome is JoinOutcome.Joined or JoinOutcome.AlreadyJoined;
}

/// <summary>A status answer: the place, or why the pass was refused.</summary>
public sealed record StatusResult(PlaceInLine? Place, PassRefusal? Refused, TimeSpan? RetryAfter = null);

/// <summary>
/// What an admitted shopper submits to buy: who (the customer the pass is bound to), where to ship
/// and how to pay. The unit price is the sale's; nothing about price or quantity comes from the request.
/// </summary>
public sealed record PurchaseRequest(
    string Slug,
    string Pass,
    string Customer,
    string? UserId,
    string Email,
    Address ShippingAddress,
    string ShippingMethod,
    string PaymentMethod);

public enum PurchaseOutcome
{
    /// <summary>The unit is the shopper's; the order is being made (<see cref="PurchaseResult.PurchaseId"/>).</summary>
    Confirmed,
    Invalid,
    PassRefused,
    NotAdmitted,
    WindowExpired,
    OverLimit,
    SoldOut,
    Ended,
    /// <summary>Paused or rebuilding, or Redis unreachable: nothing was taken; try again after <see cref="PurchaseResult.RetryAfter"/>.</summary>
    Busy,
}

public sealed record PurchaseResult(
    PurchaseOutcome Outcome,
    Guid? PurchaseId = null,
    Problem? Problem = null,
    IReadOnlyDictionary<string, Problem>? FieldErrors = null,
    TimeSpan? RetryAfter = null);

/// <summary>Where a confirmed purchase's order is.</summary>
public enum PurchaseState
{
    /// <summary>The unit is claimed; the order job has not finished yet.</summary>
    Processing,
    Ordered,
    /// <summary>The card was declined: the unit went back to the sale; the shopper may try again inside the window.</summary>
    Declined,
    /// <summary>The order could not be made; the unit went back to the sale (any charge was refunded).</summary>
    Failed,
}

public sealed record PurchaseView(
    Guid Id,
    Guid SaleId,
    string SaleSlug,
    string Title,
    Money Price,
    PurchaseState State,
    string? OrderNumber,
    Problem? Problem,
    DateTimeOffset CreatedAt,
    DateTimeOffset? WindowEndsAt);

/// <summary>
/// The shopper's side of a flash sale: the sale page's view, the waiting room (join, status, leave)
/// and the purchase. Customers are "u:&lt;account id&gt;" or, where the sale lets guests in,
/// "v:&lt;visitor key&gt;"; a pass only works for the customer it was signed for.
/// </summary>
public interface IFlashSaleRoom
{
    /// <summary>The sale by its page address (from memory, refreshed about once a second), or null.</summary>
    Task<SaleView?> FindAsync(string slug, CancellationToken cancellationToken);

    /// <summary>
    /// Puts the customer in line, or gives back the place they have: reloading, more tabs or another
    /// browser of one account never give a better place or a second one. <paramref name="customer"/>
    /// is null for a shopper who is not signed in.
    /// </summary>
    Task<JoinResult> JoinAsync(string slug, string? customer, bool signedIn, CancellationToken cancellationToken);

    /// <summary>Where the pass's holder stands; answered from memory once the sale is sold out or over.</summary>
    Task<StatusResult> StatusAsync(string slug, string? pass, string? customer, CancellationToken cancellationToken);

    /// <summary>Leaves the line (counted as gave up); an admitted shopper's window closes and its unit goes to the next.</summary>
    Task<StatusResult> LeaveAsync(string slug, string pass, string customer, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the unit (one Redis script: the pass admitted and unexpired, the limit per customer, the
    /// stock) and queues the order; the order itself is made by a background job within seconds.
    /// </summary>
    Task<PurchaseResult> PurchaseAsync(PurchaseRequest request, CancellationToken cancellationToken);

    /// <summary>The customer's purchase, or null when it is not theirs.</summary>
    Task<PurchaseView?> GetPurchaseAsync(Guid purchaseId, string customer, CancellationToken cancellationToken);
}
