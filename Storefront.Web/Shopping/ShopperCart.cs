using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Storefront.Cart.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// Which cart belongs to this request. The cart cookie carries the cart id (and the owner, once a
/// shopper has signed in), encrypted and signed with ASP.NET Core Data Protection, so it cannot be
/// read, forged or pointed at somebody else's cart. A cookie that fails the check is dropped.
/// </summary>
public sealed class ShopperCart(IHttpContextAccessor accessor, ICarts carts, IDataProtectionProvider protection, IHostEnvironment environment, ILogger<ShopperCart> logger)
{
    public const string CookieName = "storefront.cart";
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(30);

    private readonly IDataProtector protector = protection.CreateProtector("Storefront.Cart.Cookie.v1");
    private bool resolved;
    private Guid? current;

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    /// <summary>True when this request came with a cart cookie that was not ours or was altered.</summary>
    public bool CookieRejected { get; private set; }

    /// <summary>Who is changing the cart, for the limits on what one client may hold.</summary>
    public CartClient Client => new(Http.Connection.RemoteIpAddress);

    private string? UserId => Http.User.Identity?.IsAuthenticated == true ? Http.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>The cart of this shopper, or null when they have none yet.</summary>
    public async Task<Guid?> CurrentIdAsync(CancellationToken ct = default)
    {
        if (resolved) return current;
        var ticket = ReadTicket();
        var userId = UserId;
        if (userId is not null)
        {
            if (ticket is { UserId: { } owner } && owner == userId)
            {
                current = ticket.CartId;
            }
            else
            {
                // Signed in without this user's cart cookie (new device, or a remembered sign-in):
                // find the user's cart and bring in any anonymous cart this browser had.
                var mine = await carts.CartOfUserAsync(userId, ct);
                if (ticket is { UserId: null }) await carts.MergeAsync(ticket.CartId, mine, Client, ct);
                WriteTicket(new CartTicket(mine, userId));
                current = mine;
            }
        }
        else if (ticket is { UserId: null })
        {
            current = ticket.CartId;
        }
        else if (ticket is not null)
        {
            // A signed-in shopper's cart stays with the account once the sign-in has ended.
            DeleteCookie();
        }
        resolved = true;
        return current;
    }

    /// <summary>
    /// The shopper's cart, starting a new anonymous one when there is none: for a first add with an
    /// add id, the one cart that id names, so two copies of that add arriving at once share it.
    /// </summary>
    public async Task<Guid> EnsureIdAsync(string? addId, CancellationToken ct = default)
    {
        if (await CurrentIdAsync(ct) is { } id) return id;
        current = await carts.StartAsync(addId, ct);
        WriteTicket(new CartTicket(current.Value, null));
        return current.Value;
    }

    /// <summary>
    /// Items in the cart, for the header; no Redis call for visitors without a cart. Null when the
    /// cart cannot be read just now (Redis or PostgreSQL away): the header then shows no count.
    /// </summary>
    public async Task<int?> CountAsync(CancellationToken ct = default)
    {
        try
        {
            // Reading only: no merge, no cookie, no cart made or restored — rendering a page changes nothing.
            var ticket = PeekTicket(out _);
            Guid? id = UserId is { } userId
                ? ticket is { UserId: { } owner } && owner == userId ? ticket.CartId : await carts.FindCartOfUserAsync(userId, ct)
                : ticket is { UserId: null } ? ticket.CartId : null;
            return id is { } cart ? await carts.ItemCountAsync(cart, ct) : 0;
        }
        catch (Exception ex) when (Infrastructure.DependencyOutages.Of(ex) is not null)
        {
            // The header must not take the page down with it.
            LogCountFailed(logger, ex);
            return null;
        }
    }

    /// <summary>
    /// After a successful sign-in: merges this browser's anonymous cart into the shopper's own cart,
    /// saves it at once, and points the cookie at it.
    /// </summary>
    public async Task<CartMergeResult> SignedInAsync(string userId, CancellationToken ct = default)
    {
        var ticket = ReadTicket();
        var mine = await carts.CartOfUserAsync(userId, ct);
        var result = ticket is { UserId: null }
            ? await carts.MergeAsync(ticket.CartId, mine, Client, ct)
            : new CartMergeResult(mine, []);
        if (ticket is not { UserId: null }) await carts.FlushAsync(mine, ct);
        WriteTicket(new CartTicket(mine, userId));
        (current, resolved) = (mine, true);
        return result;
    }

    /// <summary>At sign-out the cart is saved and stays with the account; the browser starts afresh.</summary>
    public async Task SignedOutAsync(CancellationToken ct = default)
    {
        if (ReadTicket() is { UserId: not null } ticket) await carts.FlushAsync(ticket.CartId, ct);
        DeleteCookie();
        (current, resolved) = (null, true);
    }

    /// <summary>The shopper's account (and its cart) was deleted: the cookie goes, nothing is written.</summary>
    public void AccountDeleted()
    {
        DeleteCookie();
        (current, resolved) = (null, true);
    }

    private sealed record CartTicket(Guid CartId, string? UserId);

    private CartTicket? ReadTicket()
    {
        var ticket = PeekTicket(out var rejected);
        if (rejected)
        {
            CookieRejected = true;
            DeleteCookie();
        }
        return ticket;
    }

    /// <summary>The cookie's ticket, without touching the response; <paramref name="rejected"/> when a cookie was there but not ours.</summary>
    private CartTicket? PeekTicket(out bool rejected)
    {
        rejected = false;
        if (!Http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            var parts = protector.Unprotect(value).Split('|');
            if (parts.Length == 3 && parts[0] == "1" && Guid.TryParseExact(parts[1], "N", out var id) && id != Guid.Empty)
                return new CartTicket(id, parts[2].Length == 0 ? null : parts[2]);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Altered, made up, or protected with a key this store no longer has.
        }
        rejected = true;
        return null;
    }

    private void WriteTicket(CartTicket ticket)
    {
        if (Http.Response.HasStarted) return;
        var value = protector.Protect($"1|{ticket.CartId:N}|{ticket.UserId}");
        Http.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            // Always Secure in production; plain HTTP is allowed only while developing.
            Secure = Http.Request.IsHttps || !environment.IsDevelopment(),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            MaxAge = CookieLifetime,
            Path = "/",
        });
    }

    private void DeleteCookie()
    {
        if (!Http.Response.HasStarted) Http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
    }

    private static readonly Action<ILogger, Exception?> CountFailed =
        LoggerMessage.Define(LogLevel.Warning, new EventId(1, "CartCountFailed"), "The cart count could not be read for the header");

    private static void LogCountFailed(ILogger logger, Exception ex) => CountFailed(logger, ex);
}
