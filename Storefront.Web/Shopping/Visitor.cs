using System.Security.Claims;
using System.Security.Cryptography;
using Storefront.Search.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// Who a shopper is for search ranking (<see cref="ISearchSignals"/>): "u:" and the account id when
/// signed in, otherwise "v:" and a random key kept in the storefront.visitor cookie. The cookie holds
/// nothing but that key; it lets search lift the brands and categories the shopper looks at.
/// </summary>
internal static class Visitor
{
    public const string CookieName = "storefront.visitor";

    /// <summary>The visitor key of an account.</summary>
    public static string OfUser(string userId) => "u:" + userId;

    /// <summary>The visitor key of the browser's cookie, signed in or not; null without a valid one.</summary>
    public static string? OfBrowser(HttpContext http) =>
        http.Request.Cookies[CookieName] is { Length: 32 } key && key.All(char.IsAsciiHexDigitLower) ? "v:" + key : null;

    /// <summary>Drops the browser's visitor cookie (an account deleted: its browser starts afresh).</summary>
    public static void Forget(HttpContext http) => http.Response.Cookies.Delete(CookieName);

    public static string? Of(HttpContext http, bool create)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) return OfUser(userId);
        if (OfBrowser(http) is { } browser) return browser;
        if (!create) return null;
        var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(CookieName, fresh, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps || !http.RequestServices.GetRequiredService<IWebHostEnvironment>().IsDevelopment(),
            MaxAge = TimeSpan.FromDays(90),
            IsEssential = false,
        });
        return "v:" + fresh;
    }
}
