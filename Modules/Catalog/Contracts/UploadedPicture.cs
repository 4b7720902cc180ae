using System.Globalization;
using System.Text.RegularExpressions;

namespace Storefront.Catalog.Contracts;

/// <summary>
/// An uploaded picture and the sizes kept of it, read from its address:
/// <c>…/{id}-{width}x{height}.{ext}</c> is the original (under <c>/media/uploads/</c>, or at the
/// public address of the bucket the store keeps them in), and beside it each width of
/// <see cref="Widths"/> narrower than the picture, and its own width up to the largest, as
/// <c>…-{w}.webp</c> and as <c>…-{w}.jpg</c> (a JPEG original) or <c>…-{w}.png</c> (any other).
/// The demo catalog's drawings are named the same way, as an 800-pixel PNG original under
/// <c>/media/demo/{kind}/{hue}/{view}</c> with its sizes beside it. Older uploads (and the demo
/// catalog's SVG drawings of earlier versions) have no sizes.
/// </summary>
public sealed partial record UploadedPicture(string Base, int Width, int Height, string FallbackExtension)
{
    public static readonly IReadOnlyList<int> Widths = [160, 400, 800, 1200];

    /// <summary>The widths kept of a picture this wide.</summary>
    public static IReadOnlyList<int> WidthsFor(int width) => Widths.Where(w => w < width).Append(Math.Min(width, Widths[^1])).Distinct().ToList();

    /// <summary>The fallback format of a picture whose original has this extension.</summary>
    public static string FallbackFor(string originalExtension) => originalExtension == ".jpg" ? ".jpg" : ".png";

    public IReadOnlyList<int> Sizes => WidthsFor(Width);

    public string Variant(int width, string extension) => $"{Base}-{width.ToString(CultureInfo.InvariantCulture)}{extension}";

    /// <summary><c>srcset</c> of one format: every size with its width.</summary>
    public string SourceSet(string extension) => string.Join(", ", Sizes.Select(w => $"{Variant(w, extension)} {w.ToString(CultureInfo.InvariantCulture)}w"));

    /// <summary>The size closest above <paramref name="width"/> (or the largest), for a plain <c>src</c>.</summary>
    public string Fallback(int width) => Variant(Sizes.FirstOrDefault(w => w >= width, Sizes[^1]), FallbackExtension);

    public static UploadedPicture? Of(string url)
    {
        var match = Pattern().Match(url);
        if (!match.Success) match = DemoPattern().Match(url);
        if (!match.Success) return null;
        return new UploadedPicture(match.Groups["base"].Value, int.Parse(match.Groups["w"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture), FallbackFor("." + match.Groups["ext"].Value));
    }

    [GeneratedRegex(@"^(?<base>(?:https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?)?/(?:[A-Za-z0-9._~-]+/)*[0-9a-f]{32}-(?<w>[1-9][0-9]{0,4})x(?<h>[1-9][0-9]{0,4}))\.(?<ext>jpg|png|gif|webp)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>A demo drawing: a category's key, a hue and a view number.</summary>
    [GeneratedRegex(@"^(?<base>/media/demo/[a-z]{1,20}(?:-[a-z]{1,20}){0,3}/(?:[0-9]|[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9])/[1-6])-(?<w>800)x(?<h>800)\.(?<ext>png)$", RegexOptions.CultureInvariant)]
    private static partial Regex DemoPattern();
}
