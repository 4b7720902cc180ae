using Storefront.Search.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Shopping;

internal static class SearchApi
{
    /// <summary>GET /api/search/suggest?q=…: up to ten suggestions (categories, brands, products) for the search box.</summary>
    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.MapGet("/api/search/suggest", async (string? q, ISearch search, CancellationToken ct) =>
            TypedResults.Ok((await search.SuggestAsync(q, ct)).Select(s => new { kind = s.Kind.ToString().ToLowerInvariant(), label = s.Label, url = s.Url })))
            .RequireRateLimiting(RateLimits.Suggest);
        // POST /api/search/click (form: product=<id>): a shopper opened a result; sent by the results page as a beacon.
        app.MapPost("/api/search/click", async (HttpContext http, ISearchSignals signals, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            if (form is null || !Guid.TryParse(form["product"], out var product))
                return Results.Problem(title: "Which product was clicked?", detail: "Send the product id in the form field \"product\".", statusCode: 400);
            await signals.ClickedAsync(Visitor.Of(http, create: true)!, product, ct);
            return Results.NoContent();
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.SearchClick);
        return app;
    }
}
