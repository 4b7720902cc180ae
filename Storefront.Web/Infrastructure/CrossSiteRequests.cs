using Microsoft.Extensions.Primitives;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS and TRACE) that a browser says
/// came from another site, before any handler runs. Browsers name where a request came from and a
/// page cannot forge it: <c>Sec-Fetch-Site</c> (every current browser) must be <c>same-origin</c> (or
/// <c>none</c>: typed or bookmarked); without it, an <c>Origin</c> header must be this store's own.
/// A request with neither comes from a program or a very old browser; a program cannot carry a
/// shopper's cookies, and the cookies are <c>SameSite=Lax</c>, which a very old browser also keeps
/// from cross-site posts. This is what lets the cached pages carry forms without a per-visitor token
/// (see docs/security.md, "Cross-site requests"). The Stripe webhook, called by Stripe's servers
/// and checked by its signature, is the one exception.
/// </summary>
internal static partial class CrossSiteRequests
{
    /// <summary>Set in <see cref="HttpContext.Items"/> on a refused request, for the error page's wording.</summary>
    public const string Refused = "storefront.cross-site-refused";

    private static readonly PathString[] Exempt = ["/api/stripe/webhook"];

    public static WebApplication UseCrossSiteRequestRefusal(this WebApplication app)
    {
        var publicOrigin = StoreLinksRegistration.PublicUrlOf(app.Configuration) is { } url ? url.GetLeftPart(UriPartial.Authority) : null;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossSiteRequests));
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)
                || Exempt.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
                // The error page telling of the refusal (the status-code pages run it with the same method).
                || context.Items.ContainsKey(Refused)
                || IsSameSite(request, publicOrigin))
            {
                await next(context);
                return;
            }
            LogRefused(logger, request.Method, request.Path, request.Headers["Sec-Fetch-Site"].ToString(), request.Headers.Origin.ToString());
            context.Items[Refused] = true;
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        });
        return app;
    }

    /// <summary>Whether the browser says the request came from this store (or says nothing at all).</summary>
    public static bool IsSameSite(HttpRequest request, string? publicOrigin)
    {
        var site = request.Headers["Sec-Fetch-Site"];
        if (!StringValues.IsNullOrEmpty(site)) return site.ToString() is "same-origin" or "none";
        var origin = request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin)) return true;
        var value = origin.ToString();
        // "null" is what sandboxed frames and data: documents send: never ours.
        if (!Uri.TryCreate(value, UriKind.Absolute, out var from)) return false;
        var claimed = from.GetLeftPart(UriPartial.Authority);
        return string.Equals(claimed, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase)
            || (publicOrigin is not null && string.Equals(claimed, publicOrigin, StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a cross-site {Method} {Path} (Sec-Fetch-Site: {Site}, Origin: {Origin})")]
    private static partial void LogRefused(ILogger logger, string method, string path, string site, string origin);
}
