using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Storefront.Web.Caching;

/// <summary>
/// The headers of a storefront page, set when it is rendered (so a cached copy carries them too):
/// <list type="bullet">
/// <item>A page any visitor may be shown: <c>Cache-Control: public, max-age=0, s-maxage=…,
/// stale-while-revalidate=…</c> (a CDN keeps it; a browser asks again and gets a 304), a strong
/// <c>ETag</c> from the page's bytes (the same on every instance), and <c>Surrogate-Key</c> and
/// <c>Cache-Tag</c> with the page's tags (<see cref="PageTags"/>) for a CDN's purge by tag.</item>
/// <item>A page rendered for one visitor (it sets a cookie, or carries a flash message):
/// <c>Cache-Control: private, no-store</c>, and nothing a shared cache could use.</item>
/// </list>
/// </summary>
internal static class PageCacheHeaders
{
    public static WebApplication UsePageCacheHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<PageCacheOptions>>();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || !PageCachePolicy.Covers(context.GetEndpoint()))
            {
                await next(context);
                return;
            }
            var response = context.Response;
            if (!PageCachePolicy.Shares(context))
            {
                // Made for this visitor (or the cache is off): nothing to hash, compress or tag.
                response.OnStarting(() =>
                {
                    response.Headers.CacheControl = "private, no-store";
                    return Task.CompletedTask;
                });
                await next(context);
                return;
            }
            var original = response.Body;
            using var buffer = new MemoryStream();
            response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                response.Body = original;
            }
            var shared = PageCachePolicy.Shares(context) && PageCachePolicy.Storable(context) && response.StatusCode == StatusCodes.Status200OK && response.Headers.SetCookie.Count == 0;
            if (shared)
            {
                var settings = options.CurrentValue;
                response.Headers.CacheControl = $"public, max-age=0, s-maxage={(int)settings.SharedMaxAge.TotalSeconds}, stale-while-revalidate={(int)settings.StaleWhileRevalidate.TotalSeconds}";
                var content = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
                var encoding = PageCompression.Negotiate(context.Request);
                // One tag per content and encoding: a compressed copy is another representation.
                var etag = $"\"{Convert.ToBase64String(SHA256.HashData(content)[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}{(encoding is null ? "" : "-" + encoding)}\"";
                response.Headers.Vary = "Accept-Encoding";
                response.Headers.ETag = etag;
                var tags = PageTags.Of(context);
                if (tags.Count > 0)
                {
                    response.Headers["Surrogate-Key"] = string.Join(' ', tags);
                    response.Headers["Cache-Tag"] = string.Join(',', tags);
                }
                if (context.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } asked
                    && asked.Split(',', StringSplitOptions.TrimEntries).Any(e => e == etag || e == "*"))
                {
                    response.StatusCode = StatusCodes.Status304NotModified;
                    response.ContentLength = null;
                    return;
                }
                if (encoding is not null && content.Length > 0)
                {
                    var compressed = PageCompression.Compress(content, encoding);
                    response.Headers.ContentEncoding = encoding;
                    response.ContentLength = compressed.Length;
                    await original.WriteAsync(compressed, context.RequestAborted);
                    return;
                }
            }
            else
            {
                response.Headers.CacheControl = "private, no-store";
            }
            // An empty body (a 404 before the status-code page replaces it) is left as it is.
            if (buffer.Length == 0) return;
            buffer.Position = 0;
            response.ContentLength = buffer.Length;
            await buffer.CopyToAsync(original, context.RequestAborted);
        });
        return app;
    }
}
