using System.Globalization;
using System.Net;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Product pictures for the demo catalog (<see cref="DemoPictures"/>, and the SVG drawings stores
/// seeded by earlier versions link to), and uploads from the image store.
/// </summary>
internal static class DemoImages
{
    public static WebApplication MapMedia(this WebApplication app)
    {
        app.MapGet("/media/demo/{kind}/{hue:int}/{view:int}.svg", (string kind, int hue, int view, HttpContext http) =>
        {
            // A kind is words joined by single dashes ("running-shoes"): an empty word names nothing.
            if (kind.Length > 40 || !kind.All(c => char.IsAsciiLetterLower(c) || c == '-') || kind.Split('-').Any(w => w.Length == 0)
                || hue is < 0 or > 359 || view is < 1 or > 6)
                return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=604800, immutable";
            return Results.Text(Draw(kind, hue, view), "image/svg+xml");
        });
        app.MapGet("/media/demo/{kind}/{hue:int}/{view:int}-{size}.{extension}", async (string kind, int hue, int view, string size, string extension,
            DemoPictures pictures, HttpContext http, CancellationToken ct) =>
        {
            if (await pictures.GetAsync(kind, hue, view, size, extension, ct) is not { } picture) return Results.NotFound();
            if (ReferenceEquals(picture, DemoPicture.Busy))
            {
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            http.Response.Headers.CacheControl = "public, max-age=604800, immutable";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(picture.Bytes, picture.ContentType);
        });
        app.MapGet("/media/uploads/{file}", async (string file, IImageStore store, HttpContext http, CancellationToken ct) =>
        {
            OpenedImage? opened;
            try
            {
                opened = await store.OpenAsync(file, ct);
            }
            catch (ImageStoreUnavailableException)
            {
                // The page around it still works; the browser asks again later.
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers.RetryAfter = "30";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            if (opened is null) return Results.NotFound();
            // A name is never given to other bytes: kept for a year without asking again.
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            if (opened.Length is { } length) http.Response.ContentLength = length;
            return Results.Stream(opened.Content, opened.ContentType);
        });
        return app;
    }

    internal static string Draw(string kind, int hue, int view)
    {
        var inv = CultureInfo.InvariantCulture;
        var label = WebUtility.HtmlEncode(string.Join(' ', kind.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..])));
        var h2 = ((hue + 40 * view) % 360).ToString(inv);
        var h = hue.ToString(inv);
        var shape = view switch
        {
            1 => $"<circle cx=\"200\" cy=\"170\" r=\"90\" fill=\"hsl({h2},55%,55%)\"/>",
            2 => $"<rect x=\"110\" y=\"80\" width=\"180\" height=\"180\" rx=\"28\" fill=\"hsl({h2},55%,55%)\"/>",
            _ => $"<polygon points=\"200,70 300,260 100,260\" fill=\"hsl({h2},55%,55%)\"/>",
        };
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img">
            <rect width="400" height="400" fill="hsl({h},40%,92%)"/>
            {shape}
            <text x="200" y="330" text-anchor="middle" font-family="system-ui,sans-serif" font-size="26" fill="hsl({h},30%,30%)">{label}</text>
            </svg>
            """;
    }
}
