using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Storefront.Catalog.Content;

/// <summary>
/// A page's Markdown made into HTML that is safe to show on the store's own domain:
/// <list type="bullet">
/// <item>raw HTML is written out as text (<c>DisableHtml</c>), so a page cannot carry a script or a form;</item>
/// <item>a link keeps its address only when it is relative or http, https, mailto or tel (a
/// <c>javascript:</c> or <c>data:</c> link becomes its plain words);</item>
/// <item>a picture is kept only from the store itself (a path such as <c>/images/…</c>): the
/// pages' content security policy would block any other, so it is shown as its description instead;</item>
/// <item>headings are moved so the highest is an <c>h2</c>, the others keeping their steps below it: the
/// page's title is its only <c>h1</c>, and no level is skipped under it (whether the merchant starts
/// with <c>#</c> or <c>##</c>).</item>
/// </list>
/// </summary>
internal static class StorePageText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        // Merchants write addresses and opening hours line by line.
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    private static readonly HashSet<string> Schemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto", "tel" };

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        // The page's title is its h1: the text's highest headings become h2 and the rest keep their steps below.
        var headings = document.Descendants<HeadingBlock>().ToList();
        var shift = headings.Count == 0 ? 0 : 2 - headings.Min(h => h.Level);
        foreach (var heading in headings) heading.Level = Math.Clamp(heading.Level + shift, 2, 6);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage ? IsOwnPicture(link.Url) : IsSafe(link.Url)) continue;
            Unwrap(link);
        }
        foreach (var link in document.Descendants<AutolinkInline>().ToList())
        {
            if (link.IsEmail || IsSafe(link.Url)) continue;
            link.ReplaceBy(new LiteralInline(link.Url));
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    /// <summary>Relative, or one of <see cref="Schemes"/>. Browsers ignore control characters and spaces inside a scheme, so they are ignored here too.</summary>
    internal static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url)) return true;
        var clean = new string(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        if (clean.StartsWith("//", StringComparison.Ordinal) || clean.StartsWith('\\')) return true; // another host, by the page's own scheme
        var colon = clean.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return true;
        var end = clean.IndexOfAny(['/', '?', '#']);
        if (end >= 0 && end < colon) return true; // "/a:b" is a path
        return Schemes.Contains(clean[..colon]);
    }

    /// <summary>A picture from this store: a path from its root, not another host's.</summary>
    private static bool IsOwnPicture(string? url) =>
        url is { Length: > 1 } && url[0] == '/' && url[1] is not ('/' or '\\') && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>Leaves a link's words (a picture's description) in its place, without the link.</summary>
    private static void Unwrap(LinkInline link)
    {
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            link.InsertBefore(child);
            child = next;
        }
        link.Remove();
    }
}
