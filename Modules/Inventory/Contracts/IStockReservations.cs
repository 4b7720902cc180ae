using Storefront.BuildingBlocks.Outcomes;
namespace Storefront.Inventory.Contracts;

public enum ReservationOutcome { Reserved, Released, NotEnoughStock, UnknownSku, Invalid, LimitReached }

/// <summary>
/// What became of a hold. <see cref="Available"/> is what this holder could have had: the units
/// free for everyone plus what it already holds.
/// </summary>
public sealed record ReservationResult(ReservationOutcome Outcome, int Held, int Available, Problem? Problem = null)
{
    /// <summary>The SKU's price when the hold was placed (set when the SKU exists).</summary>
    public Storefront.BuildingBlocks.Money? Price { get; init; }

    /// <summary>With <see cref="ReservationOutcome.LimitReached"/>: the most this holder may hold of the SKU.</summary>
    public int? Limit { get; init; }

    public bool Succeeded => Outcome is ReservationOutcome.Reserved or ReservationOutcome.Released;
}

public enum CommitOutcome { Committed, AlreadyCommitted, NoHold, NotEnoughStock }

public sealed record HoldView(Guid Id, string Sku, string Holder, int Quantity, DateTimeOffset ExpiresAt);

/// <summary>
/// Soft holds on stock while a shopper decides: reserving is one conditional UPDATE of the SKU row,
/// a hold expires on its own, and only committing an order takes stock for good.
/// </summary>
public interface IStockReservations
{
    /// <summary>
    /// Sets the holder's hold on a SKU to <paramref name="quantity"/> units (0 releases it),
    /// adjusting an existing hold and renewing its expiry. Fails, changing nothing, when there is not enough stock.
    /// </summary>
    Task<ReservationResult> ReserveAsync(string holder, string sku, int quantity, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ReserveAsync"/>, for a shopper's cart: a hold may grow only up to the holder's
    /// share of the SKU's on-hand stock (<see cref="ReservationOptions.LimitPerHolder"/>), checked under
    /// the SKU's lock; beyond it the result is <see cref="ReservationOutcome.LimitReached"/> and nothing
    /// changes. Lowering or renewing a hold is always allowed.
    /// </summary>
    Task<ReservationResult> ReserveShareAsync(string holder, string sku, int quantity, CancellationToken cancellationToken);

    /// <summary>Gives the hold back; releasing twice, or something never held, changes nothing.</summary>
    Task<bool> ReleaseAsync(string holder, string sku, CancellationToken cancellationToken);

    /// <summary>
    /// Takes exactly <paramref name="quantity"/> units for good on the strength of the holder's hold:
    /// units held beyond it are given back, units missing from it are taken from free stock when
    /// there are enough (otherwise <see cref="CommitOutcome.NotEnoughStock"/> and nothing changes).
    /// Idempotent per hold and reference.
    /// </summary>
    Task<CommitOutcome> CommitAsync(string holder, string sku, int quantity, string reference, CancellationToken cancellationToken);

    /// <summary>Units free to reserve for each SKU (expired holds never count); unknown SKUs are left out.</summary>
    Task<IReadOnlyDictionary<string, int>> AvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>The live holds of one holder (a cart), by SKU; expired holds are left out.</summary>
    Task<IReadOnlyDictionary<string, HoldView>> HoldsOfAsync(string holder, CancellationToken cancellationToken);

    /// <summary>The live holds on a SKU, soonest to expire first.</summary>
    Task<IReadOnlyList<HoldView>> HoldsAsync(string sku, CancellationToken cancellationToken);

    /// <summary>
    /// The holders with live holds whose name starts with <paramref name="prefix"/> (such as "cart:"),
    /// in order, a page at a time after <paramref name="after"/>.
    /// </summary>
    Task<IReadOnlyList<string>> HoldersAsync(string prefix, string? after, int take, CancellationToken cancellationToken);

    /// <summary>Returns expired holds to available stock; returns how many were released.</summary>
    Task<int> ReleaseExpiredAsync(CancellationToken cancellationToken);
}

public sealed class ReservationOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxQuantityPerLine { get; set; } = 99;

    /// <summary>
    /// The share of a SKU's on-hand stock one cart may hold (0.25: a quarter). With it no single
    /// request can take the last units of a product, while a shopper buying two of a product with
    /// eight or more on hand never notices it.
    /// </summary>
    public decimal MaxShareOfStock { get; set; } = 0.25m;

    /// <summary>
    /// The most one holder may hold of a SKU with <paramref name="onHand"/> units: its share of the
    /// stock, rounded down, but never less than 1 nor more than <see cref="MaxQuantityPerLine"/>.
    /// </summary>
    public int LimitPerHolder(int onHand) =>
        (int)Math.Clamp(Math.Floor(Math.Max(onHand, 0) * MaxShareOfStock), 1, MaxQuantityPerLine);

    /// <summary>Whether the share rule keeps a holder below the per-line maximum: the SKU's stock is limited.</summary>
    public bool IsLimited(int onHand) => LimitPerHolder(onHand) < MaxQuantityPerLine;
}
