using System.Text;
using Storefront.BuildingBlocks;

namespace Storefront.Web.Seo;

/// <summary>
/// What a page says about itself to search engines and link previews. The page fills it in from the
/// same model it renders; the layout writes it into the head (description, canonical address,
/// robots, Open Graph and Twitter card tags, JSON-LD).
/// </summary>
public sealed class PageMeta
{
    public string? Description { get; set; }

    /// <summary>The canonical address's path and query; the layout makes it absolute from the configured public address.</summary>
    public string? CanonicalPath { get; set; }

    /// <summary>Keep the page out of search results (its links are still followed).</summary>
    public bool NoIndex { get; set; }

    /// <summary>Open Graph type: "website", or "product" on a product page.</summary>
    public string OpenGraphType { get; set; } = "website";

    /// <summary>The picture of link previews: a path of the store or an absolute address.</summary>
    public string? Image { get; set; }

    public string? ImageAlt { get; set; }

    /// <summary>The price link previews show (product pages).</summary>
    public Money? Price { get; set; }

    /// <summary>JSON-LD documents, serialized (see <see cref="StructuredData"/>).</summary>
    public List<string> StructuredData { get; } = [];

    /// <summary>
    /// Plain text for a description: whitespace folded, cut at a word before
    /// <paramref name="max"/> characters with an ellipsis.
    /// </summary>
    public static string Summary(string text, int max = 160)
    {
        var folded = new StringBuilder(Math.Min(text.Length, max + 1));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) { space = folded.Length > 0; continue; }
            if (space) folded.Append(' ');
            space = false;
            folded.Append(c);
            if (folded.Length > max) break;
        }
        if (folded.Length <= max) return folded.ToString();
        var cut = folded.ToString(0, max - 1);
        var lastSpace = cut.LastIndexOf(' ');
        return (lastSpace > max / 2 ? cut[..lastSpace] : cut).TrimEnd(',', ';', ':', '.', ' ') + "…";
    }
}
