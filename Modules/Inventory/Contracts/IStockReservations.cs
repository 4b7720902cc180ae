namespace Storefront.Inventory.Contracts;

public enum ReservationOutcome { Reserved, Released, NotEnoughStock, UnknownSku, Invalid }

/// <summary>
/// What became of a hold. <see cref="Available"/> is what this holder could have had: the units
/// free for everyone plus what it already holds.
/// </summary>
public sealed record ReservationResult(ReservationOutcome Outcome, int Held, int Available, string? Message = null)
{
    /// <summary>The SKU's price when the hold was placed (set when the SKU exists).</summary>
    public Storefront.BuildingBlocks.Money? Price { get; init; }

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

    /// <summary>Returns expired holds to available stock; returns how many were released.</summary>
    Task<int> ReleaseExpiredAsync(CancellationToken cancellationToken);
}

public sealed class ReservationOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxQuantityPerLine { get; set; } = 99;
}
