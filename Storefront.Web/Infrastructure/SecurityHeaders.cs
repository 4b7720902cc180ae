namespace Storefront.Web.Infrastructure;

/// <summary>
/// Browser security headers for every response, in one place. Pages load only their own scripts
/// and styles (no inline script); inline style attributes remain (bar widths, indents). The review
/// page may load Stripe.js; the Hangfire dashboard needs inline scripts and styles.
/// </summary>
internal static class SecurityHeaders
{
    // {images}: where pictures come from besides the store itself (a bucket's or CDN's address, if any).
    private const string Base =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:{images}; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string StorefrontPolicy = Base + "; frame-src 'none'";

    // Stripe's card field is an iframe from js.stripe.com that talks to api.stripe.com.
    private const string ReviewPolicy =
        "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; style-src-attr 'unsafe-inline'; " +
        "img-src 'self' data: https://*.stripe.com{images}; font-src 'self'; connect-src 'self' https://api.stripe.com; " +
        "frame-src https://js.stripe.com https://hooks.stripe.com; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string JobsDashboardPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; frame-src 'none'";

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), usb=(), interest-cohort=(), payment=(self \"https://js.stripe.com\")";

    /// <summary>
    /// JSON and health answers are never shown as documents: they load nothing and may be framed by
    /// nobody. The short policy keeps the flood's answers small (a sale's status is polled by every
    /// shopper in line), as the OWASP REST cheat sheet recommends.
    /// </summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <param name="pictureOrigin">The origin product pictures are served from when it is not the store's own.</param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string? pictureOrigin = null)
    {
        var pictures = string.IsNullOrEmpty(pictureOrigin) ? "" : " " + pictureOrigin;
        var storefront = StorefrontPolicy.Replace("{images}", pictures, StringComparison.Ordinal);
        var review = ReviewPolicy.Replace("{images}", pictures, StringComparison.Ordinal);
        return app.Use((http, next) =>
    {
        // Set before the page runs so error pages and re-executed responses carry them too.
        var path = http.Request.Path;
        var headers = http.Response.Headers;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/health"))
        {
            headers.ContentSecurityPolicy = ApiPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(http);
        }
        var admin = path.StartsWithSegments("/admin");
        headers.ContentSecurityPolicy = path.StartsWithSegments("/admin/jobs") ? JobsDashboardPolicy
            : path.StartsWithSegments("/checkout/review") ? review
            : storefront;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Pages whose address holds a secret (reset tokens, order keys) send no referrer at all.
        headers["Referrer-Policy"] = admin || CarriesToken(http) ? "no-referrer" : "strict-origin-when-cross-origin";
        if (admin) headers.CacheControl = "no-store";
        return next(http);
    });
    }

    private static bool CarriesToken(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/account/reset-password")
        || http.Request.Path.StartsWithSegments("/account/unlock")
        || http.Request.Path.StartsWithSegments("/account/confirm-email")
        || http.Request.Query.ContainsKey("key")
        || http.Request.Query.ContainsKey("token");
}
