using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Cart.Contracts;
using Storefront.Cart.Holds;
using Storefront.Cart.Storage;
using Storefront.Inventory.Contracts;

namespace Storefront.Cart;

/// <summary>
/// Carts live in Redis and are backed by stock holds: a line changes only after its hold has been
/// placed, under a short per-cart lock so the two can never drift apart. PostgreSQL has the durable
/// copy (see <see cref="CartWriteBehind"/>), from which a cart Redis has lost is put back.
/// What a cart may hold is limited twice: Inventory keeps each cart to its share of a SKU's stock,
/// and <see cref="ClientHolds"/> keeps all the carts of one client within the client limits.
/// </summary>
internal sealed partial class CartService(
    RedisCartStore live,
    PostgresCartStore durable,
    ClientHolds clients,
    IStockReservations holds,
    IPricesAndStock prices,
    IOptions<CartOptions> options,
    IOptions<ReservationOptions> holdOptions,
    ILogger<CartService> logger) : ICarts
{
    // Changes of one cart queue on its lock; a burst (a script, or many tabs) on a busy box may wait a while.
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    private TimeSpan Lifetime => options.Value.Lifetime;
    private int MaxPerLine => holdOptions.Value.MaxQuantityPerLine;
    private ClientHoldLimits ClientLimits => options.Value.ClientHolds;

    /// <summary>The stock-hold holder name of a cart.</summary>
    private static string Holder(Guid cartId) => CartHolds.HolderOf(cartId);

    public Task<CartSnapshot> GetAsync(Guid cartId, CancellationToken ct) => ReadAsync(cartId, locked: false, ct);

    /// <param name="locked">Whether the caller holds the cart's lock already.</param>
    private async Task<CartSnapshot> ReadAsync(Guid cartId, bool locked, CancellationToken ct)
    {
        if (cartId == Guid.Empty) return CartSnapshot.Empty(cartId);
        var cart = await live.ReadAsync(cartId, Lifetime);
        if (cart is not null) return cart;
        // Not in Redis: restarted, evicted or flushed. The durable copy is at most one
        // write-behind interval old; an unknown cart is remembered as empty so the next read stays in Redis.
        var stored = await durable.LoadAsync(cartId, ct) ?? CartSnapshot.Empty(cartId);
        if (await live.RestoreAsync(stored, Lifetime))
        {
            if (stored.Lines.Count > 0) LogRestored(cartId, stored.Lines.Count, stored.Version);
            await ReleaseHoldsWithoutLinesAsync(cartId, locked, ct);
            return stored;
        }
        return await live.ReadAsync(cartId, Lifetime) ?? stored;
    }

    /// <summary>
    /// After a cart came back from PostgreSQL: lines added (or grown) after the last write-behind are
    /// gone with Redis, but their holds are not. Holds of SKUs the cart no longer has are given back,
    /// and holds larger than their line are lowered to it, so that no stock stays held for nobody
    /// until the holds expire. Done under the cart's lock, so a change in flight (its hold placed,
    /// its line not yet written) is never mistaken for a lost line.
    /// </summary>
    private async Task ReleaseHoldsWithoutLinesAsync(Guid cartId, bool locked, CancellationToken ct)
    {
        await using var held = locked ? null : await live.LockAsync(cartId, LockWait, ct);
        // Another change holds the lock for longer than the wait: leave the holds to expire.
        if (!locked && held is null) return;
        // An order being placed settles the cart's holds itself.
        if (await live.FrozenByAsync(cartId) is not null) return;
        var cart = await live.ReadAsync(cartId, Lifetime);
        if (cart is null) return;
        var released = await MatchHoldsToLinesAsync(cart, ct);
        if (released > 0) LogReleasedWithoutLines(cartId, released);
    }

    /// <summary>
    /// For the holds job (<see cref="Jobs.ReleaseOrphanedHoldsJob"/>): gives back the holds of a
    /// cart that is gone or has expired, and those of lines the cart no longer has, without
    /// restoring or renewing the cart. Under the cart's lock, like every change; a busy or frozen
    /// cart is left for the next pass. Returns how many holds were given back.
    /// </summary>
    public async Task<int> ReleaseOrphanedHoldsAsync(Guid cartId, CancellationToken ct)
    {
        await using var held = await live.LockAsync(cartId, TimeSpan.FromSeconds(1), ct);
        if (held is null) return 0;
        if (await live.FrozenByAsync(cartId) is not null) return 0;
        // Redis has the live cart; when it lost it, the durable copy is what the next read restores.
        var cart = await live.PeekAsync(cartId) ?? await durable.LoadUnexpiredAsync(cartId, Lifetime, ct) ?? CartSnapshot.Empty(cartId);
        var released = await MatchHoldsToLinesAsync(cart, ct);
        if (released > 0) LogReleasedOrphaned(cartId, released);
        return released;
    }

    /// <summary>Releases holds of SKUs the cart has no line for and lowers holds larger than their line.</summary>
    private async Task<int> MatchHoldsToLinesAsync(CartSnapshot cart, CancellationToken ct)
    {
        var released = new List<string>();
        foreach (var (sku, hold) in await holds.HoldsOfAsync(Holder(cart.Id), ct))
        {
            var line = cart.Line(sku)?.Quantity ?? 0;
            if (line == 0)
            {
                await holds.ReleaseAsync(Holder(cart.Id), sku, ct);
                released.Add(sku);
            }
            else if (hold.Quantity > line)
            {
                await holds.ReserveAsync(Holder(cart.Id), sku, line, ct);
                await RecordAsync(cart.Id, sku, line, CartClient.Unknown, ct);
            }
        }
        if (released.Count > 0) await ForgetAsync(cart.Id, released);
        return released.Count;
    }

    public Task<Guid> StartAsync(CancellationToken ct) => StartAsync(addId: null, ct);

    public async Task<Guid> StartAsync(string? addId, CancellationToken ct)
    {
        var id = CartAddIds.IsValid(addId) ? CartAddIds.CartOf(addId!) : Guid.CreateVersion7();
        // Known to Redis from the start, so the first read of a new cart never asks PostgreSQL
        // (and a cart already there, from the same first add a moment before, is kept).
        await live.RestoreAsync(CartSnapshot.Empty(id), Lifetime);
        return id;
    }

    public async Task<CartChangeResult> AddAsync(Guid cartId, string sku, int quantity, CartClient client, string? addId, CancellationToken ct)
    {
        if (Invalid(sku, quantity, allowZero: false) is { } invalid) return invalid;
        if (!CartAddIds.IsValid(addId)) addId = null;
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        // Under the cart's lock: of two requests with one id, the second finds the first one's mark.
        if (addId is not null && await live.AddSeenAsync(cartId, addId, sku))
            return new(CartChangeOutcome.Unchanged, (await ReadAsync(cartId, locked: true, ct)).Line(sku)?.Quantity ?? 0, 0);
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await ReadAsync(cartId, locked: true, ct);
        var current = cart.Line(sku)?.Quantity ?? 0;
        if (current == 0 && cart.Lines.Count >= options.Value.MaxLines)
            return new(CartChangeOutcome.TooManyLines, 0, 0, Problem.Of(CartProblems.TooManyLines, ("max", options.Value.MaxLines)));
        var wanted = current + quantity;
        if (wanted > MaxPerLine)
            return new(CartChangeOutcome.Invalid, current, MaxPerLine,
                current == 0
                    ? Problem.Of(CartProblems.QuantityOutOfRange, ("min", 1), ("max", MaxPerLine))
                    : Problem.Of(CartProblems.LineFull, ("max", MaxPerLine), ("current", current)));
        var result = await SetLineAsync(cartId, sku, current, wanted, client, ct);
        if (addId is not null && result.Outcome == CartChangeOutcome.Changed)
            await live.RememberAddAsync(cartId, addId, sku, CartAddIds.Remembered);
        return result;
    }

    public async Task<CartChangeResult> SetQuantityAsync(Guid cartId, string sku, int quantity, CartClient client, CancellationToken ct)
    {
        if (Invalid(sku, quantity, allowZero: true) is { } invalid) return invalid;
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await ReadAsync(cartId, locked: true, ct);
        if (cart.Line(sku) is not { } line) return NotInCart();
        return await SetLineAsync(cartId, sku, line.Quantity, quantity, client, ct);
    }

    public async Task<CartChangeResult> RemoveAsync(Guid cartId, string sku, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(sku) || sku.Length > 64) return NotInCart();
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await ReadAsync(cartId, locked: true, ct);
        if (cart.Line(sku) is null) return NotInCart();
        await holds.ReleaseAsync(Holder(cartId), sku, ct);
        await ForgetAsync(cartId, [sku]);
        await live.ApplyAsync(cartId, Lifetime, [(sku, 0, null)]);
        return new(CartChangeOutcome.Changed, 0, 0);
    }

    /// <summary>
    /// Counts the new quantity against the cart's client, holds the stock for it, then (only then)
    /// changes the line. A hold that Inventory refuses takes the client's count back with it.
    /// </summary>
    private async Task<CartChangeResult> SetLineAsync(Guid cartId, string sku, int current, int wanted, CartClient client, CancellationToken ct)
    {
        var (claim, refused) = await ClaimAsync(cartId, sku, current, wanted, client, ct);
        if (refused is not null) return refused;
        ReservationResult hold;
        try
        {
            hold = await holds.ReserveShareAsync(Holder(cartId), sku, wanted, ct);
        }
        catch
        {
            if (claim is not null) await clients.UndoAsync(claim);
            throw;
        }
        if (!hold.Succeeded)
        {
            if (claim is not null) await clients.UndoAsync(claim);
            var outcome = hold.Outcome switch
            {
                ReservationOutcome.NotEnoughStock => CartChangeOutcome.NotEnoughStock,
                ReservationOutcome.UnknownSku => CartChangeOutcome.UnknownSku,
                ReservationOutcome.LimitReached => CartChangeOutcome.LimitReached,
                _ => CartChangeOutcome.Invalid,
            };
            return outcome switch
            {
                CartChangeOutcome.NotEnoughStock => new(outcome, current, hold.Available, ShortProblem(hold.Available, current)),
                CartChangeOutcome.LimitReached => new(outcome, current, hold.Limit ?? 0, LimitProblem(hold.Limit ?? 0, current)),
                _ => new(outcome, current, hold.Available, hold.Problem),
            };
        }
        if (wanted == current && wanted > 0) return new(CartChangeOutcome.Unchanged, wanted, hold.Available);
        var price = current == 0 && wanted > 0 ? hold.Price ?? (await prices.GetAsync(sku, ct))?.Price : null;
        await live.ApplyAsync(cartId, Lifetime, [(sku, wanted, price)]);
        return new(CartChangeOutcome.Changed, wanted, hold.Available);
    }

    /// <summary>
    /// Sets the cart's entry in its client's count to <paramref name="wanted"/>. Growing a line is
    /// checked against the client limits (and gives the cart a client if it has none); shrinking or
    /// renewing one only records it. Nothing is counted when the limits are off, when the cart has
    /// no known client, or for an unknown SKU (Inventory answers for that).
    /// </summary>
    private async Task<(ClientClaim? Claim, CartChangeResult? Refused)> ClaimAsync(
        Guid cartId, string sku, int current, int wanted, CartClient client, CancellationToken ct)
    {
        var limits = ClientLimits;
        if (!limits.Enabled || !holdOptions.Value.Enabled) return (null, null);
        var growing = wanted > current;
        var key = await clients.ClientOfAsync(cartId, growing ? client.Address : null, limits.IPv6PrefixLength, holdOptions.Value.HoldDuration);
        if (key is null) return (null, null);
        if (!growing)
            return (await clients.ClaimAsync(key, new ClientLine(cartId, sku, wanted, false, 0), limits, holdOptions.Value.HoldDuration, force: true), null);
        if (await prices.GetAsync(sku, ct) is not { } stock) return (null, null);
        var cartLimit = holdOptions.Value.LimitPerHolder(stock.OnHand);
        var line = new ClientLine(cartId, sku, wanted, holdOptions.Value.IsLimited(stock.OnHand), ClientLimitOf(stock.OnHand, cartLimit));
        var claim = await clients.ClaimAsync(key, line, limits, holdOptions.Value.HoldDuration, force: false);
        if (claim.Granted) return (claim, null);
        if (claim.Refusal == ClientRefusal.Share
            && (await holds.AvailabilityAsync([sku], ct)).GetValueOrDefault(sku) + current is var couldHave && wanted > couldHave)
        {
            // Asking for more than there is: "only N left" is the truer answer, as Inventory would give it.
            return (null, new(CartChangeOutcome.NotEnoughStock, current, couldHave, ShortProblem(couldHave, current)));
        }
        LogClientLimit(cartId, claim.Refusal, sku);
        var refused = claim.Refusal switch
        {
            ClientRefusal.Carts => new CartChangeResult(CartChangeOutcome.LimitReached, current, current,
                Problem.Of(CartProblems.NetworkCarts)),
            ClientRefusal.Units => new CartChangeResult(CartChangeOutcome.LimitReached, current, current,
                Problem.Of(CartProblems.NetworkUnits, ("max", limits.MaxUnits))),
            ClientRefusal.LimitedLines => new CartChangeResult(CartChangeOutcome.LimitReached, current, current,
                Problem.Of(CartProblems.NetworkLimitedLines, ("max", limits.MaxLimitedLines))),
            _ => Limited(Math.Min(claim.Allowed, cartLimit), current),
        };
        return (null, refused);
    }

    /// <summary>How much of a SKU one client's carts may hold together: their share, never less than one cart's.</summary>
    private int ClientLimitOf(int onHand, int cartLimit) =>
        Math.Max(cartLimit, (int)Math.Floor(Math.Max(onHand, 0) * ClientLimits.MaxShareOfStock));

    /// <summary>Records a quantity in the cart's client count whatever the limits say (units that only move between the client's carts).</summary>
    private async Task RecordAsync(Guid cartId, string sku, int quantity, CartClient client, CancellationToken ct)
    {
        var limits = ClientLimits;
        if (!limits.Enabled || !holdOptions.Value.Enabled) return;
        var key = await clients.ClientOfAsync(cartId, quantity > 0 ? client.Address : null, limits.IPv6PrefixLength, holdOptions.Value.HoldDuration);
        if (key is null) return;
        var limited = quantity > 0 && await prices.GetAsync(sku, ct) is { } stock && holdOptions.Value.IsLimited(stock.OnHand);
        await clients.ClaimAsync(key, new ClientLine(cartId, sku, quantity, limited, 0), limits, holdOptions.Value.HoldDuration, force: true);
    }

    /// <summary>Takes lines whose holds were given back or taken by an order out of the cart's client count.</summary>
    private async Task ForgetAsync(Guid cartId, IEnumerable<string> skus)
    {
        if (!ClientLimits.Enabled) return;
        var key = await clients.ClientOfAsync(cartId, null, ClientLimits.IPv6PrefixLength, holdOptions.Value.HoldDuration);
        if (key is null) return;
        foreach (var sku in skus)
            await clients.ClaimAsync(key, new ClientLine(cartId, sku, 0, false, 0), ClientLimits, holdOptions.Value.HoldDuration, force: true);
    }

    private static CartChangeResult Limited(int most, int current) => new(CartChangeOutcome.LimitReached, current, most, LimitProblem(most, current));

    private static Problem LimitProblem(int most, int current) => most switch
    {
        <= 0 => Problem.Of(CartProblems.NetworkShareUsed),
        _ when current > 0 => Problem.Of(CartProblems.HoldLimitWithCurrent, ("most", most), ("current", current)),
        _ => Problem.Of(CartProblems.HoldLimit, ("most", most)),
    };

    private static Problem ShortProblem(int available, int current) => available switch
    {
        0 => Problem.Of(CartProblems.OutOfStock),
        _ when current > 0 => Problem.Of(CartProblems.OnlyAvailableWithCurrent, ("available", available), ("current", current)),
        _ => Problem.Of(CartProblems.OnlyLeft, ("available", available)),
    };

    public async Task ClearAsync(Guid cartId, bool releaseHolds, CancellationToken ct)
    {
        await using var held = await live.LockAsync(cartId, LockWait, ct)
            ?? throw new InvalidOperationException("The cart is locked by another change.");
        var cart = await ReadAsync(cartId, locked: true, ct);
        if (await live.FrozenByAsync(cartId) is { } checkout) await live.ThawAsync(cartId, checkout);
        if (cart.Lines.Count == 0) return;
        if (releaseHolds)
            foreach (var line in cart.Lines) await holds.ReleaseAsync(Holder(cartId), line.Sku, ct);
        // Released or taken by an order: either way the holds no longer count against the client.
        await ForgetAsync(cartId, cart.Lines.Select(l => l.Sku));
        await live.ApplyAsync(cartId, Lifetime, cart.Lines.Select(l => (l.Sku, 0, (Money?)null)).ToList());
        await FlushAsync(cartId, ct);
    }

    public async Task<int> ItemCountAsync(Guid cartId, CancellationToken ct)
    {
        if (cartId == Guid.Empty) return 0;
        var cart = await live.ReadAsync(cartId, Lifetime) ?? await durable.LoadAsync(cartId, ct);
        return cart?.ItemCount ?? 0;
    }

    public async Task<Guid?> FindCartOfUserAsync(string userId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userId)) return null;
        return await live.UserCartAsync(userId) ?? await durable.FindCartOfUserAsync(userId, ct);
    }

    public async Task<Guid> CartOfUserAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (await live.UserCartAsync(userId) is { } known) return known;
        var id = await durable.CartOfUserAsync(userId, ct);
        await live.RememberUserCartAsync(userId, id, Lifetime);
        return id;
    }

    public async Task ForgetUserAsync(string userId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userId) || await FindCartOfUserAsync(userId, ct) is not { } cartId) return;
        await ClearAsync(cartId, releaseHolds: true, ct);
        await live.ForgetUserCartAsync(userId);
        await live.DeleteAsync(cartId);
        await durable.DeleteAsync(cartId, ct);
    }

    public async Task<CartMergeResult> MergeAsync(Guid anonymousCartId, Guid userCartId, CartClient client, CancellationToken ct)
    {
        if (anonymousCartId == userCartId || anonymousCartId == Guid.Empty) return new(userCartId, []);
        // Both carts are locked, always in the same order, so two merges cannot wait on each other.
        var (first, second) = anonymousCartId.CompareTo(userCartId) < 0 ? (anonymousCartId, userCartId) : (userCartId, anonymousCartId);
        await using var lockA = await live.LockAsync(first, LockWait, ct) ?? throw new InvalidOperationException("The cart is locked by another change.");
        await using var lockB = await live.LockAsync(second, LockWait, ct) ?? throw new InvalidOperationException("The cart is locked by another change.");

        var anonymous = await ReadAsync(anonymousCartId, locked: true, ct);
        var mine = await ReadAsync(userCartId, locked: true, ct);
        // An order is being placed from either cart: leave both as they are until it is done.
        if (await live.FrozenByAsync(userCartId) is not null || await live.FrozenByAsync(anonymousCartId) is not null)
            return new(userCartId, anonymous.Lines.Select(l => new MergedLine(l.Sku, l.Quantity, 0,
                Problem.Of(CartProblems.MergeFrozen))).ToList());
        var merged = new List<MergedLine>();
        var changes = new List<(string, int, Money?)>();
        var lineCount = mine.Lines.Count;
        foreach (var line in anonymous.Lines)
        {
            var current = mine.Line(line.Sku)?.Quantity ?? 0;
            var wanted = options.Value.MergeRule == CartMergeRule.Add ? current + line.Quantity : Math.Max(current, line.Quantity);
            wanted = Math.Min(wanted, MaxPerLine);
            // The anonymous cart's hold is given back first, so its units count as available to the shopper's cart.
            await holds.ReleaseAsync(Holder(anonymousCartId), line.Sku, ct);
            if (current == 0 && lineCount >= options.Value.MaxLines)
            {
                merged.Add(new(line.Sku, wanted, 0, Problem.Of(CartProblems.MergeCartFull)));
                continue;
            }
            var got = wanted;
            var hold = await holds.ReserveShareAsync(Holder(userCartId), line.Sku, wanted, ct);
            Problem? problem = null;
            if (hold.Outcome == ReservationOutcome.LimitReached)
            {
                // The merged line is kept to one cart's share; what the shopper's cart already held stays.
                got = Math.Max(Math.Min(wanted, hold.Limit ?? 0), current);
                hold = await holds.ReserveShareAsync(Holder(userCartId), line.Sku, got, ct);
                if (!hold.Succeeded) got = hold.Held;
                problem = Problem.Of(CartProblems.MergeKeptWhileLimited, ("got", got));
            }
            else if (hold.Outcome == ReservationOutcome.NotEnoughStock)
            {
                got = Math.Min(wanted, hold.Available);
                hold = await holds.ReserveShareAsync(Holder(userCartId), line.Sku, got, ct);
                if (!hold.Succeeded) got = hold.Held;
                problem = got == 0 ? Problem.Of(CartProblems.MergeSoldOut) : Problem.Of(CartProblems.MergeKept, ("got", got));
            }
            else if (!hold.Succeeded)
            {
                got = 0;
                problem = hold.Problem ?? Problem.Of(InventoryProblems.NoLongerSold);
            }
            if (got != current) changes.Add((line.Sku, got, line.PriceWhenAdded));
            // The units moved from one of the shopper's carts to the other: counted, never refused.
            await RecordAsync(userCartId, line.Sku, got, client, ct);
            if (current == 0 && got > 0) lineCount++;
            merged.Add(new(line.Sku, wanted, got, problem));
        }
        if (changes.Count > 0) await live.ApplyAsync(userCartId, Lifetime, changes);
        await ForgetAsync(anonymousCartId, anonymous.Lines.Select(l => l.Sku));
        await live.DeleteAsync(anonymousCartId);
        await durable.DeleteAsync(anonymousCartId, ct);
        await FlushAsync(userCartId, ct);
        LogMerged(anonymousCartId, userCartId, merged.Count);
        return new(userCartId, merged);
    }

    public async Task<bool> FreezeAsync(Guid cartId, Guid checkoutId, TimeSpan expiry, CancellationToken ct)
    {
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return false;
        var checkout = checkoutId.ToString("N");
        if (await live.FrozenByAsync(cartId) is { } other && other != checkout) return false;
        await live.FreezeAsync(cartId, checkout, expiry);
        return true;
    }

    public Task ThawAsync(Guid cartId, Guid checkoutId, CancellationToken ct) => live.ThawAsync(cartId, checkoutId.ToString("N"));

    public async Task FlushAsync(Guid cartId, CancellationToken ct)
    {
        var cart = await live.ReadAsync(cartId, Lifetime);
        if (cart is null)
        {
            // Deleted or lost: nothing newer than the durable copy exists to write.
            await live.MarkCleanAsync(cartId, long.MaxValue);
            return;
        }
        await durable.SaveAsync(cart, ct);
        await live.MarkCleanAsync(cartId, cart.Version);
    }

    private CartChangeResult? Invalid(string sku, int quantity, bool allowZero)
    {
        if (string.IsNullOrWhiteSpace(sku) || sku.Length > 64)
            return new(CartChangeOutcome.UnknownSku, 0, 0, Problem.Of(CartProblems.UnknownProduct));
        if (quantity < (allowZero ? 0 : 1) || quantity > MaxPerLine)
            return new(CartChangeOutcome.Invalid, 0, 0, Problem.Of(CartProblems.QuantityOutOfRange, ("min", allowZero ? 0 : 1), ("max", MaxPerLine)));
        return null;
    }

    private static CartChangeResult Busy() =>
        new(CartChangeOutcome.Busy, 0, 0, Problem.Of(CartProblems.Busy));

    private static CartChangeResult Frozen() =>
        new(CartChangeOutcome.Frozen, 0, 0, Problem.Of(CartProblems.Frozen));

    private static CartChangeResult NotInCart() =>
        new(CartChangeOutcome.NotInCart, 0, 0, Problem.Of(CartProblems.NotInCart));

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {CartId} restored from PostgreSQL with {Lines} lines at version {Version}")]
    private partial void LogRestored(Guid cartId, int lines, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {CartId} came back without {Holds} of its holds' lines; those holds were released")]
    private partial void LogReleasedWithoutLines(Guid cartId, int holds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {CartId} is gone or has no lines for {Holds} of its holds; those holds were released")]
    private partial void LogReleasedOrphaned(Guid cartId, int holds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {CartId} refused a hold on {Sku}: its client reached the {Limit} limit")]
    private partial void LogClientLimit(Guid cartId, ClientRefusal limit, string sku);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {From} merged into {Into} ({Lines} lines)")]
    private partial void LogMerged(Guid from, Guid into, int lines);
}
