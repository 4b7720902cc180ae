using System.Security.Claims;
using Storefront.FlashSale.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// Who a shopper is to a flash sale and where their pass is kept. A signed-in shopper is
/// "u:&lt;account id&gt;", so every tab and browser of an account is one customer; a guest (only where the
/// sale lets guests in) is "v:&lt;visitor key&gt;" from the storefront.visitor cookie. The pass lives in
/// an HttpOnly cookie per sale; scripts and apps may send it in the X-Sale-Pass header instead.
/// </summary>
internal static class SaleShopper
{
    public const string PassHeader = "X-Sale-Pass";

    public static bool SignedIn(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    public static string? UserId(HttpContext http) => SignedIn(http) ? http.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>The customer, or null (not signed in where the sale needs it, or a guest without a visitor key and <paramref name="create"/> off).</summary>
    public static string? Customer(HttpContext http, SaleView sale, bool create)
    {
        if (UserId(http) is { } user) return "u:" + user;
        return sale.GuestsAllowed ? Visitor.Of(http, create) : null;
    }

    public const string CookiePrefix = "storefront.sale.";

    private static string CookieName(Guid sale) => CookiePrefix + sale.ToString("N");

    public static string? PassOf(HttpContext http, SaleView sale) =>
        http.Request.Headers[PassHeader].FirstOrDefault() is { Length: > 0 } header ? header : http.Request.Cookies[CookieName(sale.Id)];

    public static void KeepPass(HttpContext http, SaleView sale, string pass) =>
        http.Response.Cookies.Append(CookieName(sale.Id), pass, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps || !http.RequestServices.GetRequiredService<IWebHostEnvironment>().IsDevelopment(),
            Expires = sale.EndsAt.AddHours(1),
            IsEssential = true,
        });

    public static void DropPass(HttpContext http, SaleView sale) => http.Response.Cookies.Delete(CookieName(sale.Id));
}
