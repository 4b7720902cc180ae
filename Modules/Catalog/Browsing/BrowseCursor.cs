using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Storefront.Catalog.Browsing;

/// <summary>
/// An opaque keyset position: the sort values of the last (or first) row shown. Deep pages cost
/// the same as the first one because the database seeks to the position instead of skipping rows.
/// </summary>
internal sealed record BrowseCursor(string Primary, string? Secondary, Guid Id, int Page)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Primary}|{Secondary}|{Id:N}|{Page.ToString(CultureInfo.InvariantCulture)}"));

    public const int MaxPage = 10_000_000;

    /// <summary>Null for anything that is not a cursor this code wrote; the shopper then gets page one.</summary>
    public static BrowseCursor? TryDecode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200) return null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value)).Split('|');
            if (parts.Length != 4 || !Guid.TryParseExact(parts[2], "N", out var id)) return null;
            // The store writes page numbers a shopper can reach by "Next"; one near int.MaxValue is forged (and page + 1 would overflow).
            if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page is < 1 or > MaxPage) return null;
            return new BrowseCursor(parts[0], parts[1].Length == 0 ? null : parts[1], id, page);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
