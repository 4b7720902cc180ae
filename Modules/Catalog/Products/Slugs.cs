using System.Text;

namespace Storefront.Catalog.Products;

internal static class Slugs
{
    /// <summary>"Men's Shirts & Tops" → "mens-shirts-tops".</summary>
    public static string From(string text)
    {
        var sb = new StringBuilder(text.Length);
        var dash = false;
        foreach (var ch in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch))
            {
                sb.Append(ch);
                dash = false;
            }
            else if (ch is '\'' or '’') continue;
            else if (!dash && sb.Length > 0)
            {
                sb.Append('-');
                dash = true;
            }
        }
        return sb.ToString().TrimEnd('-');
    }
}
