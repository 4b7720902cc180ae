using Storefront.Catalog.Contracts;
using Storefront.Search.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Shopping;

/// <summary>
/// POST /api/visitor: the per-visitor parts of a cached page, asked for by a few lines of script
/// (wwwroot/js/visitor.js) once the shared page is shown. Form fields, all optional:
/// <c>viewed</c> (the slug of the product page being looked at: it lifts its brand and category in
/// this visitor's searches) and <c>results</c> (the product ids of a results page, comma-separated,
/// up to 100: each gets this visitor's click token). Answers the cart's item count, whether the
/// visitor is signed in (and a merchant), and the tokens; never cached. Starts the visitor cookie
/// on a first visit (whose view is not kept: see below). Without script the page is still right: the header says "Cart" without a count.
/// </summary>
internal static class VisitorApi
{
    public const int MostResults = 100;

    public sealed record VisitorView(int? CartCount, bool SignedIn, bool Admin, IReadOnlyDictionary<string, string> Clicks);

    public static WebApplication MapVisitorApi(this WebApplication app)
    {
        app.MapPost("/api/visitor", async (HttpContext http, ShopperCart cart, ICatalogQueries catalog, ISearchSignals signals, SearchClicks clicks,
            ILoggerFactory loggers, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "private, no-store";
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            // Only a visitor who came back with the cookie (or is signed in) keeps a history: a crawler
            // that runs scripts but keeps no cookies would otherwise leave a history key per page.
            var known = Visitor.Of(http, create: false);
            var visitor = known ?? Visitor.Of(http, create: true)!;
            var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var id in (form?["results"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MostResults))
                if (Guid.TryParse(id, out var product)) tokens[product.ToString()] = clicks.TokenFor(visitor, product);
            try
            {
                if (known is not null && form?["viewed"].ToString() is { Length: > 0 and <= 200 } slug && await catalog.GetProductAsync(slug, ct) is { } viewed)
                    await signals.ViewedAsync(visitor, viewed.Brand, viewed.Breadcrumbs.Count > 0 ? viewed.Breadcrumbs[^1].Slug : null, ct);
            }
            catch (Exception ex) when (DependencyOutages.Of(ex) is not null)
            {
                // A view not counted for search ranking is no reason to fail the header.
                loggers.CreateLogger(typeof(VisitorApi)).LogDebug(ex, "A product view was not recorded");
            }
            // Null when the cart cannot be read just now: the header then shows no count.
            return TypedResults.Ok(new VisitorView(await cart.CountAsync(ct), http.User.Identity?.IsAuthenticated == true, Identity.Roles.ClaimsStaff(http.User), tokens));
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.Visitor);
        return app;
    }
}
