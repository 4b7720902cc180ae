using Microsoft.Extensions.Caching.Memory;
using SkiaSharp;
using Storefront.Catalog.Contracts;
using Storefront.Web.Seeding;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// The demo catalog's product pictures as pictures: a tinted square with a shape and the category's
/// name, drawn (not scaled) at each size a real upload is kept in, as WebP and as PNG, under the
/// names <see cref="UploadedPicture"/> gives uploads, so the pages show them through the same
/// <c>&lt;picture&gt;</c> and link previews get a PNG. Each is drawn on its first request and kept
/// in memory (up to <see cref="KeptBytes"/>); only the demo catalog's categories are drawn, so the
/// names that can be asked for are a known, finite set. Drawings are made one at a time, with at
/// most <see cref="MaxWaiting"/> waiting: a flood of names never drawn before takes one core at
/// most, and is answered "busy" beyond that, while kept pictures are served as before.
/// </summary>
internal sealed class DemoPictures : IDisposable
{
    /// <summary>Requests that may wait for the drawing to be free; more are told to come back.</summary>
    public const int MaxWaiting = 32;

    /// <summary>The drawings are 800 pixels square: the original's name says so.</summary>
    public const int Side = 800;

    private const long KeptBytes = 64L * 1024 * 1024;

    private static readonly string Original = FormattableString.Invariant($"{Side}x{Side}");

    // The sizes as they are written in a name ("160"), and their widths.
    private static readonly Dictionary<string, int> SizeWidths =
        UploadedPicture.WidthsFor(Side).ToDictionary(w => w.ToString(System.Globalization.CultureInfo.InvariantCulture), w => w, StringComparer.Ordinal);

    // A sans-serif face if the machine has one; without any the pictures are drawn without their label.
    private static readonly SKTypeface Face = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans", "Arial" }
        .Select(f => SKFontManager.Default.MatchFamily(f)).FirstOrDefault(t => t is not null) ?? SKTypeface.Default;

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = KeptBytes });
    private readonly SemaphoreSlim _drawing = new(1, 1);
    private int _waiting;
    private int _busy;
    private int _peak;

    /// <summary>The most drawings ever made at once (for tests: never more than one).</summary>
    public int PeakDrawing => Volatile.Read(ref _peak);

    /// <summary>The demo drawing's address for a product picture: its original, sizes beside it.</summary>
    public static string Address(string kind, int hue, int view) =>
        FormattableString.Invariant($"/media/demo/{kind}/{hue}/{view}-{Side}x{Side}.png");

    /// <summary>
    /// One size of a drawing (<paramref name="size"/> is <c>800x800</c> for the original or one of
    /// <see cref="UploadedPicture.Widths"/> up to 800); null when no such picture is made, and
    /// <see cref="DemoPicture.Busy"/> when too many are waiting to be drawn.
    /// </summary>
    public async Task<DemoPicture?> GetAsync(string kind, int hue, int view, string size, string extension, CancellationToken ct)
    {
        var label = DemoCatalog.CategoryName(kind);
        if (label is null || hue is < 0 or > 359 || view is < 1 or > 6) return null;
        var width = size == Original && extension == "png" ? Side
            : extension is "webp" or "png" ? SizeWidths.GetValueOrDefault(size)
            : 0;
        if (width == 0) return null;

        var key = (kind, hue, view, width, extension);
        var type = extension == "webp" ? "image/webp" : "image/png";
        if (_kept.TryGetValue(key, out byte[]? kept) && kept is not null) return new DemoPicture(kept, type);

        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return DemoPicture.Busy;
        }
        try
        {
            await _drawing.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        try
        {
            // Drawn meanwhile by the request this one waited behind.
            if (_kept.TryGetValue(key, out kept) && kept is not null) return new DemoPicture(kept, type);
            var now = Interlocked.Increment(ref _busy);
            for (var peak = Volatile.Read(ref _peak); now > peak && Interlocked.CompareExchange(ref _peak, now, peak) != peak; peak = Volatile.Read(ref _peak)) { }
            byte[] bytes;
            try
            {
                bytes = Draw(label, hue, view, width, extension == "webp" ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Png);
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
            _kept.Set(key, bytes, new MemoryCacheEntryOptions { Size = bytes.Length });
            return new DemoPicture(bytes, type);
        }
        finally
        {
            _drawing.Release();
        }
    }

    /// <summary>The same drawing as the SVG one (<see cref="DemoImages.Draw"/>), on a 400-unit square scaled to the width.</summary>
    internal static byte[] Draw(string label, int hue, int view, int width, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, width, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Scale(width / 400f);
        canvas.Clear(SKColor.FromHsl(hue, 40, 92));
        using var shape = new SKPaint { Color = SKColor.FromHsl((hue + 40 * view) % 360, 55, 55), IsAntialias = true };
        switch (view)
        {
            case 1:
                canvas.DrawCircle(200, 170, 90, shape);
                break;
            case 2:
                canvas.DrawRoundRect(110, 80, 180, 180, 28, 28, shape);
                break;
            default:
                using (var path = new SKPath())
                {
                    path.MoveTo(200, 70);
                    path.LineTo(300, 260);
                    path.LineTo(100, 260);
                    path.Close();
                    canvas.DrawPath(path, shape);
                }
                break;
        }
        if (Face.GlyphCount > 0)
        {
            using var font = new SKFont(Face, 26) { Subpixel = true };
            using var ink = new SKPaint { Color = SKColor.FromHsl(hue, 30, 30), IsAntialias = true };
            canvas.DrawText(label, 200, 330, SKTextAlign.Center, font, ink);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 82);
        return data.ToArray();
    }

    public void Dispose()
    {
        _kept.Dispose();
        _drawing.Dispose();
    }
}

/// <summary>A demo picture's bytes and content type.</summary>
internal sealed record DemoPicture(byte[] Bytes, string ContentType)
{
    /// <summary>Too many pictures are waiting to be drawn: ask again shortly.</summary>
    public static readonly DemoPicture Busy = new([], "");
}
