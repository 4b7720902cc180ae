using System.IO.Compression;
using Microsoft.Extensions.Primitives;

namespace Storefront.Web.Caching;

/// <summary>
/// Shared pages are compressed once, when they are rendered, and kept compressed: Brotli when the
/// browser takes it, else gzip, else as they are (the cache keeps one copy per encoding). Pages made
/// for one visitor are not compressed at all: they carry secrets (a form token) next to what the
/// visitor typed, the combination a compression side channel (BREACH) reads. CSS, JavaScript and
/// SVG are compressed by ASP.NET Core's response compression.
/// </summary>
internal static class PageCompression
{
    public const string Brotli = "br", Gzip = "gzip";

    /// <summary>The encoding this request takes, best first: "br", "gzip" or null.</summary>
    public static string? Negotiate(HttpRequest request)
    {
        var accepted = request.Headers.AcceptEncoding;
        if (StringValues.IsNullOrEmpty(accepted)) return null;
        bool brotli = false, gzip = false;
        foreach (var header in accepted)
        {
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var semicolon = part.IndexOf(';', StringComparison.Ordinal);
                var name = semicolon < 0 ? part : part[..semicolon].Trim();
                var refused = semicolon >= 0 && part[(semicolon + 1)..].Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000";
                if (refused) continue;
                if (name.Equals(Brotli, StringComparison.OrdinalIgnoreCase)) brotli = true;
                else if (name.Equals(Gzip, StringComparison.OrdinalIgnoreCase)) gzip = true;
            }
        }
        return brotli ? Brotli : gzip ? Gzip : null;
    }

    public static byte[] Compress(ReadOnlySpan<byte> content, string encoding)
    {
        if (encoding == Brotli)
        {
            var output = new byte[BrotliEncoder.GetMaxCompressedLength(content.Length)];
            // Quality 5: most of the size of the best setting at a small part of its time; once per rendering.
            if (!BrotliEncoder.TryCompress(content, output, out var written, quality: 5, window: 22))
                throw new InvalidOperationException("Brotli could not compress the page.");
            return output[..written];
        }
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return buffer.ToArray();
    }
}
