using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Seo;

/// <summary>robots.txt, the sitemaps and the web app manifest, and what the pages need for their head.</summary>
public static class SeoEndpoints
{
    /// <summary>The shopper's and the merchant's own pages: never search results, whatever links to them.</summary>
    private static readonly string[] PrivateSections = ["/cart", "/checkout", "/account", "/orders", "/admin", "/error"];

    /// <summary>Whether a page is one of <see cref="PrivateSections"/> (its head says noindex; robots.txt keeps crawlers out).</summary>
    public static bool IsPrivate(PathString path)
    {
        foreach (var section in PrivateSections)
            if (path.StartsWithSegments(section)) return true;
        return false;
    }

    /// <summary>
    /// What crawlers are kept out of: the shopper's own pages, the merchant's, the API, and the
    /// sorted and filtered variants of category and search pages (they say <c>noindex</c> too).
    /// </summary>
    public static readonly IReadOnlyList<string> Disallowed =
    [
        .. PrivateSections, "/api/",
        "/sale/*/buy", "/sale/*/purchases/",
        "/search?*category=", "/search?*min=", "/search?*max=", "/search?*rating=", "/search?*instock=", "/search?*sort=",
        "/c/*?*brand=", "/c/*?*min=", "/c/*?*max=", "/c/*?*attr.", "/c/*?*sort=",
    ];

    public static IServiceCollection AddSeo(this IServiceCollection services)
    {
        services.AddOptions<SeoOptions>().BindConfiguration("Seo")
            .Validate(o => o.SitemapUrlsPerFile is >= 1 and <= 50_000, "Seo:SitemapUrlsPerFile must be between 1 and 50,000 (the sitemap protocol's limit).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.StoreName), "Seo:StoreName must name the store.")
            .ValidateOnStart();
        services.AddScoped<PageMeta>();
        services.AddSingleton<Sitemaps>();
        services.AddEventConsumer<Sitemaps.Changes>(Sitemaps.ConsumerName, ConsumerScope.OncePerInstance);
        return services;
    }

    public static WebApplication MapSeo(this WebApplication app)
    {
        app.MapGet("/robots.txt", (IOptions<SeoOptions> options, IStoreLinks store, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(RobotsTxt(options.Value, store), "text/plain; charset=utf-8");
        });
        app.MapGet("/manifest.webmanifest", (IOptions<SeoOptions> options, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            var name = options.Value.StoreName;
            return Results.Text(JsonSerializer.Serialize(new
            {
                name,
                short_name = name.Length <= 12 ? name : name[..12].TrimEnd(),
                description = options.Value.Description,
                start_url = "/",
                scope = "/",
                display = "browser",
                background_color = "#f6f7f9",
                theme_color = "#162033",
                icons = new object[]
                {
                    new { src = "/icon-192.png", sizes = "192x192", type = "image/png" },
                    new { src = "/icon-512.png", sizes = "512x512", type = "image/png" },
                    new { src = "/icon.svg", sizes = "any", type = "image/svg+xml" },
                },
            }), "application/manifest+json; charset=utf-8");
        });
        app.MapGet("/sitemap.xml", (HttpContext http, Sitemaps sitemaps, IOptions<SeoOptions> options, CancellationToken ct) =>
            ServeAsync(http, "index", sitemaps, options.Value, ct));
        app.MapGet("/sitemaps/{file}.xml", (string file, HttpContext http, Sitemaps sitemaps, IOptions<SeoOptions> options, CancellationToken ct) =>
            file == "index" ? Task.FromResult(Results.NotFound()) : ServeAsync(http, file, sitemaps, options.Value, ct));
        return app;
    }

    public static string RobotsTxt(SeoOptions options, IStoreLinks store)
    {
        var text = new StringBuilder("User-agent: *\n");
        if (!options.AllowIndexing) return text.Append("Disallow: /\n").ToString();
        foreach (var path in Disallowed.Concat(options.Disallow.Where(d => d.StartsWith('/'))))
            text.Append("Disallow: ").Append(path).Append('\n');
        text.Append('\n').Append("Sitemap: ").Append(store.Absolute("/sitemap.xml")).Append('\n');
        return text.ToString();
    }

    private static async Task<IResult> ServeAsync(HttpContext http, string file, Sitemaps sitemaps, SeoOptions options, CancellationToken ct)
    {
        if (!options.AllowIndexing) return Results.NotFound();
        var gzipped = await sitemaps.FileAsync(file, ct);
        if (gzipped is null) return Results.NotFound();
        var response = http.Response;
        response.Headers.CacheControl = "public, max-age=3600";
        response.Headers.Vary = "Accept-Encoding";
        const string Xml = "application/xml; charset=utf-8";
        if (AcceptsGzip(http.Request))
        {
            response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(gzipped, Xml);
        }
        // A client that cannot take gzip gets the XML unpacked as it is sent.
        return Results.Stream(new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress), Xml);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(v => v is not null && v.Split(',').Any(e =>
            e.Trim().StartsWith("gzip", StringComparison.OrdinalIgnoreCase) && !e.Replace(" ", "", StringComparison.Ordinal).EndsWith(";q=0", StringComparison.Ordinal)));
}
