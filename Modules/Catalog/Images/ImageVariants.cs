using SkiaSharp;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Images;

/// <summary>
/// The sizes an uploaded picture is kept in, made once at upload (<see cref="UploadedPicture"/>
/// names them): each as WebP, and as JPEG for a JPEG original or PNG for any other. Decoding is also the real check that the file is a
/// picture: a file that only starts like one is refused. SkiaSharp (MIT) does the work; see
/// docs/architecture.md, "Product images", for the choice.
/// </summary>
internal static class ImageVariants
{
    public sealed record Variant(int Width, string Extension, byte[] Content);

    public sealed record Result(int Width, int Height, IReadOnlyList<Variant> Variants);

    /// <summary>The variants of a picture, or null when it cannot be decoded.</summary>
    public static Result? Make(byte[] content, string fallbackExtension)
    {
        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data);
        if (codec is null) return null;
        using var decoded = SKBitmap.Decode(codec);
        if (decoded is null) return null;
        using var upright = Upright(decoded, codec.EncodedOrigin);
        var (width, height) = (upright.Width, upright.Height);
        var png = fallbackExtension == ".png";
        var variants = new List<Variant>();
        foreach (var w in UploadedPicture.WidthsFor(width))
        {
            var h = Math.Max(1, (int)Math.Round(height * (double)w / width));
            using var resized = w == width ? upright.Copy() : upright.Resize(new SKImageInfo(w, h, upright.ColorType, upright.AlphaType), new SKSamplingOptions(SKCubicResampler.Mitchell));
            using var image = SKImage.FromBitmap(resized);
            using (var webp = image.Encode(SKEncodedImageFormat.Webp, 80)) variants.Add(new Variant(w, ".webp", webp.ToArray()));
            using var fallback = png ? image.Encode(SKEncodedImageFormat.Png, 100) : image.Encode(SKEncodedImageFormat.Jpeg, 82);
            variants.Add(new Variant(w, fallbackExtension, fallback.ToArray()));
        }
        return new Result(width, height, variants);
    }

    /// <summary>The picture turned as its camera meant (the EXIF orientation of photographs).</summary>
    private static SKBitmap Upright(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        var (degrees, swap) = origin switch
        {
            SKEncodedOrigin.BottomRight => (180, false),
            SKEncodedOrigin.RightTop => (90, true),
            SKEncodedOrigin.LeftBottom => (270, true),
            _ => (0, false),
        };
        if (degrees == 0) return bitmap.Copy();
        var turned = new SKBitmap(swap ? bitmap.Height : bitmap.Width, swap ? bitmap.Width : bitmap.Height, bitmap.ColorType, bitmap.AlphaType);
        using var canvas = new SKCanvas(turned);
        canvas.Translate(turned.Width / 2f, turned.Height / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-bitmap.Width / 2f, -bitmap.Height / 2f);
        canvas.DrawBitmap(bitmap, 0, 0);
        return turned;
    }
}
