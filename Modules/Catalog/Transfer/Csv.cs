using System.Text;

namespace Storefront.Catalog.Transfer;

/// <summary>A file that is not CSV as RFC 4180 reads it, at a line.</summary>
internal sealed class CsvFormatException(int line, string reason) : Exception($"Line {line}: {reason}")
{
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>
/// CSV read as RFC 4180 writes it and as spreadsheets save it (the store writes it with
/// <see cref="Storefront.BuildingBlocks.CsvCells"/>): quoted cells may hold commas, quotes ("")
/// and line breaks; lines end in CRLF or LF. A header line with semicolons and no comma (what a
/// spreadsheet set to a comma-decimal language saves) is read with semicolons.
/// </summary>
internal static class Csv
{
    /// <summary>The records of <paramref name="reader"/>, each with the line it starts on (1 for the first).</summary>
    public static IEnumerable<(int Line, List<string> Cells)> Read(TextReader reader, int maxCellLength)
    {
        var line = 1;
        char? separator = null;
        var cell = new StringBuilder();
        while (true)
        {
            var start = line;
            var cells = new List<string>();
            var quoted = false;
            var wasQuoted = false;
            var ended = false;
            cell.Clear();
            int next;
            while (true)
            {
                next = reader.Read();
                if (next < 0)
                {
                    if (quoted) throw new CsvFormatException(start, "a quoted cell is not closed");
                    ended = true;
                    break;
                }
                var ch = (char)next;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"') { reader.Read(); cell.Append('"'); }
                        else quoted = false;
                    }
                    else
                    {
                        if (ch == '\n') line++;
                        cell.Append(ch);
                    }
                }
                else if (ch == '"' && cell.Length == 0 && !wasQuoted)
                {
                    quoted = wasQuoted = true;
                }
                else if (ch == '\r' || ch == '\n')
                {
                    if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                    line++;
                    break;
                }
                // The separator is the first comma or semicolon met outside quotes (on the header line).
                else if (ch is ',' or ';' && (separator ??= ch) == ch)
                {
                    cells.Add(cell.ToString());
                    cell.Clear();
                    wasQuoted = false;
                }
                else if (wasQuoted)
                {
                    throw new CsvFormatException(start, "text follows a closing quote; write a quote inside a quoted cell as two quotes (\"\")");
                }
                else
                {
                    cell.Append(ch);
                }
                if (cell.Length > maxCellLength) throw new CsvFormatException(start, $"a cell is longer than {maxCellLength:N0} characters");
            }
            cells.Add(cell.ToString());
            // Blank lines (and the end of a file that ends with a line break) are no records.
            if (!(cells.Count == 1 && cells[0].Length == 0 && !wasQuoted)) yield return (start, cells);
            if (ended) yield break;
        }
    }
}
