using Storefront.Search.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Shopping;

internal static class SearchApi
{
    /// <summary>GET /api/search/suggest?q=…: up to ten suggestions (categories, brands, products) for the search box.</summary>
    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.MapGet("/api/search/suggest", async (string? q, ISearch search, ShopLinks links, CancellationToken ct) =>
            TypedResults.Ok((await search.SuggestAsync(q, ct)).Select(s => new { kind = s.Kind.ToString().ToLowerInvariant(), label = s.Label, url = Link(links, s) })))
            .RequireRateLimiting(RateLimits.Suggest);
        // POST /api/search/click (form: product=<id>, token=<the result's click token>): a shopper opened a
        // result; sent by the results page as a beacon. Counted only for the visitor the result was
        // shown to (their cookie or account), within SearchClicks.Lifetime; never creates a visitor.
        app.MapPost("/api/search/click", async (HttpContext http, ISearchSignals signals, SearchClicks clicks, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            if (form is null || !Guid.TryParse(form["product"], out var product))
                return Results.Problem(title: "Which product was clicked?", detail: "Send the product id in the form field \"product\".", statusCode: 400);
            if (string.IsNullOrEmpty(form["token"]))
                return Results.Problem(title: "Which result was clicked?", detail: "Send the result's click token in the form field \"token\".", statusCode: 400);
            if (Visitor.Of(http, create: false) is not { } visitor || !clicks.IsValid(form["token"], visitor, product))
                return Results.Problem(title: "This click cannot be counted.",
                    detail: "A click counts only for a result shown to this visitor in the last two hours.", statusCode: 403);
            // With Redis or PostgreSQL away, the host's outage handling answers 503; nothing is counted.
            await signals.ClickedAsync(visitor, product, ct);
            return Results.NoContent();
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.SearchClick);
        return app;
    }

    /// <summary>Where a suggestion leads: the product or category page, or a search for the brand.</summary>
    private static string Link(ShopLinks links, Suggestion suggestion) => suggestion.Kind switch
    {
        SuggestionKind.Product => links.Product(suggestion.Key),
        SuggestionKind.Category => links.Category(suggestion.Key),
        _ => links.Brand(suggestion.Key),
    };
}
