using System.Net;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Cart.Contracts;

/// <summary>One line of a cart: a SKU, how many, and the price the shopper saw when adding it.</summary>
public sealed record CartLine(string Sku, int Quantity, Money? PriceWhenAdded);

/// <summary>A cart as stored. <see cref="Version"/> grows with every change.</summary>
public sealed record CartSnapshot(Guid Id, string? UserId, IReadOnlyList<CartLine> Lines, long Version)
{
    public static CartSnapshot Empty(Guid id) => new(id, null, [], 0);

    public int ItemCount => Lines.Sum(l => l.Quantity);

    public CartLine? Line(string sku) => Lines.FirstOrDefault(l => l.Sku == sku);
}

public enum CartChangeOutcome { Changed, Unchanged, NotEnoughStock, UnknownSku, NotInCart, TooManyLines, Invalid, Busy, LimitReached, Frozen }

/// <summary>
/// Who changes a cart, for the limits on what one client may hold: the network address the request
/// came from, or null when it is not known (then only the per-cart share applies).
/// </summary>
public sealed record CartClient(IPAddress? Address)
{
    public static readonly CartClient Unknown = new((IPAddress?)null);
}

/// <summary>
/// What became of a change. <see cref="Quantity"/> is the line's quantity afterwards and
/// <see cref="Available"/> how many this cart could have had.
/// </summary>
public sealed record CartChangeResult(CartChangeOutcome Outcome, int Quantity, int Available, Problem? Problem = null)
{
    public bool Succeeded => Outcome is CartChangeOutcome.Changed or CartChangeOutcome.Unchanged;
}

/// <summary>The ids that make an add happen once (see <see cref="ICarts.AddAsync(Guid, string, int, CartClient, string?, CancellationToken)"/>).</summary>
public static class CartAddIds
{
    /// <summary>How long an add's id is remembered per cart: far longer than any double click or retry, short enough that the marks stay few.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(10);

    /// <summary>16 to 64 letters, digits, '-' or '_': long enough not to be guessed or to collide by chance.</summary>
    public static bool IsValid(string? addId) =>
        addId is { Length: >= 16 and <= 64 } && addId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The id of the cart a first add with <paramref name="addId"/> starts: a SHA-256 of it, made a
    /// version-8 (name-based, RFC 9562) UUID. Knowing a cart's id gives no access to it (the cart
    /// cookie is encrypted and signed); the add id stays in the browser that made it.
    /// </summary>
    public static Guid CartOf(string addId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes("storefront.cart:" + addId), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>How the lines of an anonymous cart combine with the shopper's own cart at sign-in.</summary>
public enum CartMergeRule
{
    /// <summary>Quantities are added together.</summary>
    Add,

    /// <summary>The larger of the two quantities is kept.</summary>
    Max,
}

/// <summary>One merged line: how many the rule asked for and how many the shopper got.</summary>
public sealed record MergedLine(string Sku, int Wanted, int Got, Problem? Problem);

public sealed record CartMergeResult(Guid CartId, IReadOnlyList<MergedLine> Lines)
{
    public IEnumerable<MergedLine> Shortfalls => Lines.Where(l => l.Got < l.Wanted);
}

/// <summary>
/// Shopping carts: kept in Redis for speed, written behind to PostgreSQL so that none is lost, and
/// backed by stock holds so that what is in a cart can be bought.
/// </summary>
public interface ICarts
{
    /// <summary>The cart; one that Redis lost is restored from PostgreSQL, an unknown one is empty.</summary>
    Task<CartSnapshot> GetAsync(Guid cartId, CancellationToken cancellationToken);

    /// <summary>Starts a new, empty cart and returns its id.</summary>
    Task<Guid> StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts the cart for a visitor's first add: with a valid <paramref name="addId"/> its id follows
    /// from the add's id (<see cref="CartAddIds.CartOf"/>), so a double click by a visitor who has no
    /// cart yet fills one cart, not two; otherwise as <see cref="StartAsync(CancellationToken)"/>.
    /// A cart that exists already is left as it is.
    /// </summary>
    Task<Guid> StartAsync(string? addId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds units of a SKU, holding the stock first; nothing changes when the stock is not there or
    /// when the cart or its client would hold more than the holds policy allows
    /// (<see cref="CartChangeOutcome.LimitReached"/>).
    /// </summary>
    Task<CartChangeResult> AddAsync(Guid cartId, string sku, int quantity, CartClient client, CancellationToken cancellationToken) =>
        AddAsync(cartId, sku, quantity, client, addId: null, cancellationToken);

    /// <summary>
    /// Adds units once per <paramref name="addId"/>: the id of one click or one API request, made by
    /// the client. The same id arriving again for this cart within <see cref="CartAddIds.Remembered"/>
    /// (a double click, a retry, both at once) changes nothing and answers
    /// <see cref="CartChangeOutcome.Unchanged"/> with the line as the first one left it. Null, or an id
    /// <see cref="CartAddIds.IsValid"/> refuses, adds every time.
    /// </summary>
    Task<CartChangeResult> AddAsync(Guid cartId, string sku, int quantity, CartClient client, string? addId, CancellationToken cancellationToken);

    /// <summary>Adds units for a caller that has no client to name (a job); only the per-cart share applies.</summary>
    Task<CartChangeResult> AddAsync(Guid cartId, string sku, int quantity, CancellationToken cancellationToken) =>
        AddAsync(cartId, sku, quantity, CartClient.Unknown, cancellationToken);

    /// <summary>Sets a line that is already in the cart to a quantity (0 removes it), within the same limits as adding.</summary>
    Task<CartChangeResult> SetQuantityAsync(Guid cartId, string sku, int quantity, CartClient client, CancellationToken cancellationToken);

    /// <summary>Sets a line's quantity for a caller that has no client to name.</summary>
    Task<CartChangeResult> SetQuantityAsync(Guid cartId, string sku, int quantity, CancellationToken cancellationToken) =>
        SetQuantityAsync(cartId, sku, quantity, CartClient.Unknown, cancellationToken);

    /// <summary>Removes a line and gives its held stock back.</summary>
    Task<CartChangeResult> RemoveAsync(Guid cartId, string sku, CancellationToken cancellationToken);

    /// <summary>Removes every line and its holds, for example once an order has been placed from the cart.</summary>
    Task ClearAsync(Guid cartId, bool releaseHolds, CancellationToken cancellationToken);

    /// <summary>
    /// How many items a cart holds, reading only: the live copy, or the durable one when Redis has
    /// lost it, which is not put back (that happens on the cart's next real use). For the header.
    /// </summary>
    Task<int> ItemCountAsync(Guid cartId, CancellationToken cancellationToken);

    /// <summary>The signed-in shopper's cart if they have one; never creates it.</summary>
    Task<Guid?> FindCartOfUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The signed-in shopper's own cart, created on first use.</summary>
    Task<Guid> CartOfUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// For an account being deleted: empties the shopper's cart (its holds given back) and deletes it,
    /// so nothing of it is left under their account. Nothing to do when they have none; safe to repeat.
    /// </summary>
    Task ForgetUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the lines of an anonymous cart into a shopper's cart by the configured rule, capped by
    /// available stock, the per-line maximum and the per-cart share, then deletes the anonymous cart and
    /// saves the result at once. The merged holds count against <paramref name="client"/>.
    /// </summary>
    Task<CartMergeResult> MergeAsync(Guid anonymousCartId, Guid userCartId, CartClient client, CancellationToken cancellationToken);

    /// <summary>Merges for a caller that has no client to name.</summary>
    Task<CartMergeResult> MergeAsync(Guid anonymousCartId, Guid userCartId, CancellationToken cancellationToken) =>
        MergeAsync(anonymousCartId, userCartId, CartClient.Unknown, cancellationToken);

    /// <summary>Writes the cart to PostgreSQL now rather than within the write-behind delay.</summary>
    Task FlushAsync(Guid cartId, CancellationToken cancellationToken);

    /// <summary>
    /// Freezes the cart for a checkout, from validation until the order is placed or given up:
    /// every change answers <see cref="CartChangeOutcome.Frozen"/> meanwhile, so what is paid for is
    /// what was priced. Taken under the cart's lock, so a change in flight finishes first. False when
    /// another checkout holds it or the cart stayed busy. The freeze lapses by itself after
    /// <paramref name="expiry"/> (a checkout that died); the same checkout may freeze again to renew it.
    /// </summary>
    Task<bool> FreezeAsync(Guid cartId, Guid checkoutId, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>Lifts the freeze of this checkout (none other); clearing the cart lifts it too.</summary>
    Task ThawAsync(Guid cartId, Guid checkoutId, CancellationToken cancellationToken);
}

public sealed class CartOptions
{
    public CartMergeRule MergeRule { get; set; } = CartMergeRule.Add;

    /// <summary>How long an untouched cart lives in Redis (refreshed on every use).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often changed carts are written to PostgreSQL; at most 30 seconds.</summary>
    public TimeSpan WriteBehindInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool WriteBehindEnabled { get; set; } = true;

    public int MaxLines { get; set; } = 50;

    /// <summary>What the carts started from one client (network address) may hold together.</summary>
    public ClientHoldLimits ClientHolds { get; set; } = new();
}

/// <summary>
/// Limits on the live stock holds of all carts started from one client, so that a script making a
/// new cart with every request cannot hold what one cart may not. A cart counts against the client
/// that first held stock with it; an entry lasts as long as the hold it stands for.
/// </summary>
public sealed class ClientHoldLimits
{
    public bool Enabled { get; set; } = true;

    /// <summary>Carts with live holds at once (so per hold duration).</summary>
    public int MaxCarts { get; set; } = 20;

    /// <summary>Units held at once, all products together.</summary>
    public int MaxUnits { get; set; } = 250;

    /// <summary>
    /// Lines held at once on products whose stock is limited (where the per-cart share is below the
    /// per-line maximum). The default equals <see cref="CartOptions.MaxLines"/>, so one full cart never meets it.
    /// </summary>
    public int MaxLimitedLines { get; set; } = 50;

    /// <summary>The share of a SKU's on-hand stock the client's carts may hold together; never less than one cart's share.</summary>
    public decimal MaxShareOfStock { get; set; } = 0.5m;

    /// <summary>IPv6 addresses count per prefix of this length: one subscriber usually has a whole /64.</summary>
    public int IPv6PrefixLength { get; set; } = 64;
}

/// <summary>The name under which a cart holds stock in Inventory.</summary>
public static class CartHolds
{
    public const string Prefix = "cart:";

    public static string HolderOf(Guid cartId) => Prefix + cartId.ToString("N");

    /// <summary>The cart a holder name stands for, or null when it is not a cart's.</summary>
    public static Guid? CartOf(string holder) =>
        holder.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParseExact(holder.AsSpan(Prefix.Length), "N", out var id) ? id : null;
}
