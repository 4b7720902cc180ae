using System.Globalization;

namespace Storefront.Web.Forms;

/// <summary>
/// How numbers typed into forms and filters are read: invariant digits with an optional sign and
/// decimal point. Thousands separators are refused, so "1,5" is an error rather than 15.
/// </summary>
public static class FormNumbers
{
    private const NumberStyles Decimal = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    private const NumberStyles Whole = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

    /// <summary>Reads an amount; a whole number far beyond any bound still reads, so it can be told "too large".</summary>
    public static bool TryAmount(string? text, out decimal value) =>
        decimal.TryParse(text, Decimal, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads a whole number (kept as a decimal, so 20 digits are "too many", not "not a number").</summary>
    public static bool TryWhole(string? text, out decimal value) =>
        decimal.TryParse(text, Whole, CultureInfo.InvariantCulture, out value);

    /// <summary>An amount that has passed its rule; null when empty.</summary>
    public static decimal? Amount(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : TryAmount(text, out var value) ? value
        : throw new FormatException("Validate the form before reading its numbers.");

    /// <summary>A whole number that has passed its rule.</summary>
    public static int WholeNumber(string? text) =>
        TryWhole(text, out var value) && value is >= int.MinValue and <= int.MaxValue ? (int)value
        : throw new FormatException("Validate the form before reading its numbers.");
}
