namespace Storefront.BuildingBlocks;

/// <summary>
/// Cells of the CSV files the store writes (RFC 4180): quoted when they hold a separator (comma or
/// semicolon), a quote or a line break, and with a leading apostrophe when a spreadsheet would run
/// them as a formula (starting with =, +, -, @, a tab or a carriage return: a shopper's address, a
/// pasted carrier name, a description starting with a dash).
/// </summary>
public static class CsvCells
{
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', ';', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A cell as read back: the apostrophe <see cref="Cell"/> puts before a would-be formula is taken off again.</summary>
    public static string Unguard(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    /// <summary>A line of cells, ended with CRLF.</summary>
    public static string Line(IEnumerable<string> cells) => string.Join(',', cells.Select(Cell)) + "\r\n";
}
