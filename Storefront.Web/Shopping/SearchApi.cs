using Storefront.Search.Contracts;

namespace Storefront.Web.Shopping;

internal static class SearchApi
{
    /// <summary>GET /api/search/suggest?q=…: up to ten suggestions (categories, brands, products) for the search box.</summary>
    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.MapGet("/api/search/suggest", async (string? q, ISearch search, CancellationToken ct) =>
            TypedResults.Ok((await search.SuggestAsync(q, ct)).Select(s => new { kind = s.Kind.ToString().ToLowerInvariant(), label = s.Label, url = s.Url })));
        return app;
    }
}
