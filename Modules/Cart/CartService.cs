using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Cart.Storage;
using Storefront.Inventory.Contracts;

namespace Storefront.Cart;

/// <summary>
/// Carts live in Redis and are backed by stock holds: a line changes only after its hold has been
/// placed, under a short per-cart lock so the two can never drift apart. PostgreSQL has the durable
/// copy (see <see cref="CartWriteBehind"/>), from which a cart Redis has lost is put back.
/// </summary>
internal sealed partial class CartService(
    RedisCartStore live,
    PostgresCartStore durable,
    IStockReservations holds,
    IPricesAndStock prices,
    IOptions<CartOptions> options,
    IOptions<ReservationOptions> holdOptions,
    ILogger<CartService> logger) : ICarts
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(3);

    private TimeSpan Lifetime => options.Value.Lifetime;
    private int MaxPerLine => holdOptions.Value.MaxQuantityPerLine;

    /// <summary>The stock-hold holder name of a cart.</summary>
    private static string Holder(Guid cartId) => CartHolds.HolderOf(cartId);

    public async Task<CartSnapshot> GetAsync(Guid cartId, CancellationToken ct)
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
            return stored;
        }
        return await live.ReadAsync(cartId, Lifetime) ?? stored;
    }

    public async Task<Guid> StartAsync(CancellationToken ct)
    {
        // Known to Redis from the start, so the first read of a new cart never asks PostgreSQL.
        var id = Guid.CreateVersion7();
        await live.RestoreAsync(CartSnapshot.Empty(id), Lifetime);
        return id;
    }

    public async Task<CartChangeResult> AddAsync(Guid cartId, string sku, int quantity, CancellationToken ct)
    {
        if (Invalid(sku, quantity, allowZero: false) is { } invalid) return invalid;
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await GetAsync(cartId, ct);
        var current = cart.Line(sku)?.Quantity ?? 0;
        if (current == 0 && cart.Lines.Count >= options.Value.MaxLines)
            return new(CartChangeOutcome.TooManyLines, 0, 0, $"Your cart can hold {options.Value.MaxLines} different products. Remove one to add another.");
        var wanted = current + quantity;
        if (wanted > MaxPerLine)
            return new(CartChangeOutcome.Invalid, current, MaxPerLine,
                current == 0 ? $"Choose a quantity from 1 to {MaxPerLine}." : $"You can have at most {MaxPerLine} of one product in your cart; you already have {current}.");
        return await SetLineAsync(cartId, sku, current, wanted, ct);
    }

    public async Task<CartChangeResult> SetQuantityAsync(Guid cartId, string sku, int quantity, CancellationToken ct)
    {
        if (Invalid(sku, quantity, allowZero: true) is { } invalid) return invalid;
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await GetAsync(cartId, ct);
        if (cart.Line(sku) is not { } line) return NotInCart();
        return await SetLineAsync(cartId, sku, line.Quantity, quantity, ct);
    }

    public async Task<CartChangeResult> RemoveAsync(Guid cartId, string sku, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(sku) || sku.Length > 64) return NotInCart();
        await using var held = await live.LockAsync(cartId, LockWait, ct);
        if (held is null) return Busy();
        if (await live.FrozenByAsync(cartId) is not null) return Frozen();
        var cart = await GetAsync(cartId, ct);
        if (cart.Line(sku) is null) return NotInCart();
        await holds.ReleaseAsync(Holder(cartId), sku, ct);
        await live.ApplyAsync(cartId, Lifetime, [(sku, 0, null)]);
        return new(CartChangeOutcome.Changed, 0, 0);
    }

    /// <summary>Holds the stock for the new quantity, then (only then) changes the line.</summary>
    private async Task<CartChangeResult> SetLineAsync(Guid cartId, string sku, int current, int wanted, CancellationToken ct)
    {
        var hold = await holds.ReserveAsync(Holder(cartId), sku, wanted, ct);
        if (!hold.Succeeded)
        {
            var outcome = hold.Outcome switch
            {
                ReservationOutcome.NotEnoughStock => CartChangeOutcome.NotEnoughStock,
                ReservationOutcome.UnknownSku => CartChangeOutcome.UnknownSku,
                _ => CartChangeOutcome.Invalid,
            };
            var message = outcome == CartChangeOutcome.NotEnoughStock ? ShortMessage(hold.Available, current) : hold.Message;
            return new(outcome, current, hold.Available, message);
        }
        if (wanted == current && wanted > 0) return new(CartChangeOutcome.Unchanged, wanted, hold.Available);
        var price = current == 0 && wanted > 0 ? hold.Price ?? (await prices.GetAsync(sku, ct))?.Price : null;
        await live.ApplyAsync(cartId, Lifetime, [(sku, wanted, price)]);
        return new(CartChangeOutcome.Changed, wanted, hold.Available);
    }

    private static string ShortMessage(int available, int current) => available switch
    {
        0 => "Sorry, this product is out of stock.",
        _ when current > 0 => $"Sorry, only {available} available; your cart already has {current}.",
        _ => $"Sorry, only {available} left.",
    };

    public async Task ClearAsync(Guid cartId, bool releaseHolds, CancellationToken ct)
    {
        await using var held = await live.LockAsync(cartId, LockWait, ct)
            ?? throw new InvalidOperationException("The cart is locked by another change.");
        var cart = await GetAsync(cartId, ct);
        if (await live.FrozenByAsync(cartId) is { } checkout) await live.ThawAsync(cartId, checkout);
        if (cart.Lines.Count == 0) return;
        if (releaseHolds)
            foreach (var line in cart.Lines) await holds.ReleaseAsync(Holder(cartId), line.Sku, ct);
        await live.ApplyAsync(cartId, Lifetime, cart.Lines.Select(l => (l.Sku, 0, (Money?)null)).ToList());
        await FlushAsync(cartId, ct);
    }

    public async Task<Guid> CartOfUserAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (await live.UserCartAsync(userId) is { } known) return known;
        var id = await durable.CartOfUserAsync(userId, ct);
        await live.RememberUserCartAsync(userId, id, Lifetime);
        return id;
    }

    public async Task<CartMergeResult> MergeAsync(Guid anonymousCartId, Guid userCartId, CancellationToken ct)
    {
        if (anonymousCartId == userCartId || anonymousCartId == Guid.Empty) return new(userCartId, []);
        // Both carts are locked, always in the same order, so two merges cannot wait on each other.
        var (first, second) = anonymousCartId.CompareTo(userCartId) < 0 ? (anonymousCartId, userCartId) : (userCartId, anonymousCartId);
        await using var lockA = await live.LockAsync(first, LockWait, ct) ?? throw new InvalidOperationException("The cart is locked by another change.");
        await using var lockB = await live.LockAsync(second, LockWait, ct) ?? throw new InvalidOperationException("The cart is locked by another change.");

        var anonymous = await GetAsync(anonymousCartId, ct);
        var mine = await GetAsync(userCartId, ct);
        // An order is being placed from either cart: leave both as they are until it is done.
        if (await live.FrozenByAsync(userCartId) is not null || await live.FrozenByAsync(anonymousCartId) is not null)
            return new(userCartId, anonymous.Lines.Select(l => new MergedLine(l.Sku, l.Quantity, 0,
                "An order is being placed from your cart; add this product again once it is done.")).ToList());
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
                merged.Add(new(line.Sku, wanted, 0, "Your cart was full, so this product was not added."));
                continue;
            }
            var got = wanted;
            var hold = await holds.ReserveAsync(Holder(userCartId), line.Sku, wanted, ct);
            string? message = null;
            if (hold.Outcome == ReservationOutcome.NotEnoughStock)
            {
                got = Math.Min(wanted, hold.Available);
                hold = await holds.ReserveAsync(Holder(userCartId), line.Sku, got, ct);
                if (!hold.Succeeded) got = hold.Held;
                message = got == 0 ? "Sorry, this product sold out while you were signing in." : $"Only {got} could be kept in your cart.";
            }
            else if (!hold.Succeeded)
            {
                got = 0;
                message = hold.Message ?? "This product is no longer sold.";
            }
            if (got != current) changes.Add((line.Sku, got, line.PriceWhenAdded));
            if (current == 0 && got > 0) lineCount++;
            merged.Add(new(line.Sku, wanted, got, message));
        }
        if (changes.Count > 0) await live.ApplyAsync(userCartId, Lifetime, changes);
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
            return new(CartChangeOutcome.UnknownSku, 0, 0, "We could not find that product.");
        if (quantity < (allowZero ? 0 : 1) || quantity > MaxPerLine)
            return new(CartChangeOutcome.Invalid, 0, 0, $"Choose a quantity from {(allowZero ? 0 : 1)} to {MaxPerLine}.");
        return null;
    }

    private static CartChangeResult Busy() =>
        new(CartChangeOutcome.Busy, 0, 0, "Your cart is being changed in another window. Please try again.");

    private static CartChangeResult Frozen() =>
        new(CartChangeOutcome.Frozen, 0, 0, "Your order is being placed from this cart. It can be changed again once that is done.");

    private static CartChangeResult NotInCart() =>
        new(CartChangeOutcome.NotInCart, 0, 0, "That product is no longer in your cart.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {CartId} restored from PostgreSQL with {Lines} lines at version {Version}")]
    private partial void LogRestored(Guid cartId, int lines, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cart {From} merged into {Into} ({Lines} lines)")]
    private partial void LogMerged(Guid from, Guid into, int lines);
}
