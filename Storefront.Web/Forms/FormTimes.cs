using System.Globalization;

namespace Storefront.Web.Forms;

/// <summary>
/// How a moment typed into a form is read: the browser's <c>datetime-local</c> value
/// (<c>2026-12-01T12:00</c>) or the same with a space, taken as UTC, the time every admin page shows.
/// </summary>
public static class FormTimes
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    public static bool TryUtc(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text?.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>A moment that has passed its rule.</summary>
    public static DateTimeOffset Utc(string? text) =>
        TryUtc(text, out var value) ? value : throw new FormatException("Validate the form before reading its times.");

    /// <summary>The value a <c>datetime-local</c> field shows for <paramref name="moment"/>.</summary>
    public static string Field(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
