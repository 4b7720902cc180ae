namespace Storefront.Web.Infrastructure;

/// <summary>
/// Browser security headers for every response, in one place. Pages load only their own scripts
/// and styles (no inline script); inline style attributes remain (bar widths, indents). The review
/// page may load Stripe.js; the Hangfire dashboard needs inline scripts and styles.
/// </summary>
internal static class SecurityHeaders
{
    private const string Base =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string StorefrontPolicy = Base + "; frame-src 'none'";

    // Stripe's card field is an iframe from js.stripe.com that talks to api.stripe.com.
    public const string ReviewPolicy =
        "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; style-src-attr 'unsafe-inline'; " +
        "img-src 'self' data: https://*.stripe.com; font-src 'self'; connect-src 'self' https://api.stripe.com; " +
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

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
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
            : path.StartsWithSegments("/checkout/review") ? ReviewPolicy
            : StorefrontPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Pages whose address holds a secret (reset tokens, order keys) send no referrer at all.
        headers["Referrer-Policy"] = admin || CarriesToken(http) ? "no-referrer" : "strict-origin-when-cross-origin";
        if (admin) headers.CacheControl = "no-store";
        return next(http);
    });

    private static bool CarriesToken(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/account/reset-password")
        || http.Request.Path.StartsWithSegments("/account/unlock")
        || http.Request.Path.StartsWithSegments("/account/confirm-email")
        || http.Request.Query.ContainsKey("key")
        || http.Request.Query.ContainsKey("token");
}
