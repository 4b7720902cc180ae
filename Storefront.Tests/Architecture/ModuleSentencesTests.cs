using System.Text;
using System.Text.RegularExpressions;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Architecture;

/// <summary>
/// Modules report codes and values; the host words them (docs/architecture.md, "Words and outcomes").
/// A string literal in a module's source that reads like a sentence to a shopper is words a
/// translation could never reach. Text for developers and operators is left alone: log message
/// templates, exception messages, option validation messages, metric descriptions and comments.
/// </summary>
public sealed partial class ModuleSentencesTests
{
    /// <summary>
    /// Literals that look like sentences and are not words for shoppers or merchants, by file and
    /// text. Keep it short: each entry says why it is not a sentence anyone in the store reads.
    /// </summary>
    private static readonly HashSet<(string File, string Text)> Allowed =
    [
        // Why a parked event waits, shown on the admin events page among the exception messages
        // parked events carry: text for operators, like them (Modules/BuildingBlocks/Events is left as it is).
        ("BuildingBlocks/Events/ConsumerRunner.cs", "Waits behind parked event #{} of the same subject."),
        ("BuildingBlocks/Events/ConsumerRunner.cs", "Waits behind an earlier parked event of the same subject."),
    ];

    [Fact]
    public void No_module_source_holds_a_sentence_for_shoppers()
    {
        var modules = Path.Combine(Repository.Root(), "Modules");
        var found = Directory.EnumerateFiles(modules, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(modules, path).Replace('\\', '/'))
            .Where(file => !file.Split('/').Any(part => part is "Migrations" or "bin" or "obj"))
            .SelectMany(file => SentencesIn(File.ReadAllText(Path.Combine(modules, file))).Select(text => (File: file, Text: text)))
            .Where(s => !Allowed.Contains(s))
            .Select(s => $"Modules/{s.File}: \"{s.Text}\"").ToList();
        Assert.True(found.Count == 0,
            "Words for shoppers belong to the host (a problem code, worded in Outcomes.resx):\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("return \"This product is no longer sold.\";")]
    [InlineData("var title = product?.Title ?? @\"Sorry, this sold out!\";")]
    [InlineData("lines.Add(new(sku, $\"Only {left} left, are you sure?\", 1));")]
    [InlineData("// a comment first\nreturn \"\"\"\n    Your order is on its way.\n    \"\"\";")]
    [InlineData("throw new InvalidOperationException(\"Unknown SKU.\"); return \"Please remove it.\";")]
    [InlineData("throw new CheckoutProblemException(Problem.Of(X, (\"text\", \"Sold out before your order.\")), $\"{sku} sold out\");")]
    public void A_sentence_a_module_returns_is_found(string code) => Assert.Single(SentencesIn(code));

    [Theory]
    [InlineData("throw new InvalidOperationException($\"The refund {id} could not be booked on order {order}.\");")]
    [InlineData("[LoggerMessage(Level = LogLevel.Warning, Message = \"Search index rebuild failed. Retrying.\")]")]
    [InlineData("logger.LogWarning(\"The relay stopped: {Reason}. It starts again.\", reason);")]
    [InlineData("public sealed class StepFailedException(string step) : Exception($\"The {step} step failed.\");")]
    [InlineData(".Validate(o => o.PageSize is >= 1 and <= 100, \"Search:PageSize must be between 1 and 100.\")")]
    [InlineData("Meter.CreateHistogram<double>(\"storefront.search.duration\", \"s\", \"Time to make a results page, by outcome.\");")]
    [InlineData("/// <summary>This product is no longer sold.</summary>\n// Nothing was charged.\n/* Not for shoppers. */")]
    [InlineData("return Problem.Of(CartProblems.LineNotSold); var sql = \"SELECT 1 FROM cart.carts\"; var label = \"In stock\";")]
    [InlineData("var quote = '\"'; var s = \"a \\\"quoted\\\" word\";")]
    public void Text_for_developers_and_operators_is_not_a_sentence_for_shoppers(string code) => Assert.Empty(SentencesIn(code));

    /// <summary>String literals of <paramref name="source"/> that read like a sentence, outside the places developers' text belongs.</summary>
    internal static IReadOnlyList<string> SentencesIn(string source)
    {
        var (literals, code) = Lex(source);
        return literals.Where(l => LooksLikeASentence(l.Text) && !ForDevelopers(code, l.Start)).Select(l => l.Text).ToList();
    }

    /// <summary>Starts with a capital letter, has more than one word and ends as a sentence does.</summary>
    private static bool LooksLikeASentence(string text)
    {
        var t = text.Trim();
        return t.Length > 2 && char.IsUpper(t[0]) && t.Contains(' ', StringComparison.Ordinal) && t[^1] is '.' or '!' or '?';
    }

    /// <summary>
    /// Whether the literal at <paramref name="at"/> is an argument of an exception's constructor, a
    /// logging call or attribute, or an option's validation: the call whose parentheses hold it, not
    /// any call further out (a problem's words inside an exception's arguments are still found).
    /// <paramref name="code"/> is the source with comments and literals blanked, so their brackets do not count.
    /// </summary>
    private static bool ForDevelopers(string code, int at)
    {
        var depth = 0;
        for (var i = at - 1; i >= 0; i--)
        {
            var c = code[i];
            if (c is ')' or ']' or '}') depth++;
            else if (c is '(' or '[' or '{' && depth > 0) depth--;
            else if (c == '(') return DevelopersCall().IsMatch(code[Math.Max(0, i - 200)..i]);
            else if (c is '[' or '{' or ';') return false;
        }
        return false;
    }

    [GeneratedRegex(@"(?:\bnew\s+[\w.]*Exception|:\s*[\w.]*Exception|\bLoggerMessage|\bLog(?:Trace|Debug|Information|Warning|Error|Critical)?|\.Validate|\bBeginScope|\.Create(?:Counter|UpDownCounter|Histogram|Gauge|Observable\w+))\s*(?:<[^<>()]*>)?\s*$")]
    private static partial Regex DevelopersCall();

    private sealed record Literal(int Start, string Text);

    /// <summary>The string literals of a C# source (text of interpolations as "{}"), and the source with comments and literals blanked.</summary>
    private static (List<Literal> Literals, string Code) Lex(string s)
    {
        var literals = new List<Literal>();
        var code = new StringBuilder(s);
        void Blank(int from, int to)
        {
            for (var k = from; k < to && k < code.Length; k++) if (code[k] != '\n') code[k] = ' ';
        }
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && At(s, i + 1) == '/')
            {
                var end = s.IndexOf('\n', i);
                end = end < 0 ? s.Length : end;
                Blank(i, end);
                i = end;
            }
            else if (c == '/' && At(s, i + 1) == '*')
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? s.Length : end + 2;
                Blank(i, end);
                i = end;
            }
            else if (c == '\'')
            {
                // A character literal: '"' must not open a string.
                var end = i + 1;
                while (end < s.Length && s[end] != '\'') end += s[end] == '\\' ? 2 : 1;
                Blank(i, end + 1);
                i = end + 1;
            }
            else if (c is '"' or '$' or '@' && StringStart(s, i) is { } prefix)
            {
                var end = ReadString(s, i + prefix, s[i..(i + prefix)], out var text);
                literals.Add(new(i, text));
                Blank(i, end);
                i = end;
            }
            else i++;
        }
        return (literals, code.ToString());
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    /// <summary>The length of a string's prefix ($, @, $@, @$, $$…) up to its first quote, or null when no string starts here.</summary>
    private static int? StringStart(string s, int i)
    {
        if (i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_')) return s[i] == '"' ? 0 : null;
        var j = i;
        while (j < s.Length && s[j] is '$' or '@') j++;
        return j < s.Length && s[j] == '"' ? j - i : null;
    }

    /// <summary>Reads the string whose quotes start at <paramref name="i"/>; returns the index after it.</summary>
    private static int ReadString(string s, int i, string prefix, out string text)
    {
        var interpolated = prefix.Contains('$', StringComparison.Ordinal);
        var verbatim = prefix.Contains('@', StringComparison.Ordinal);
        var quotes = 0;
        while (At(s, i + quotes) == '"') quotes++;
        var sb = new StringBuilder();
        if (quotes >= 3)
        {
            // A raw string: it ends at the first run of as many quotes; its holes are kept as written.
            var close = new string('"', quotes);
            var end = s.IndexOf(close, i + quotes, StringComparison.Ordinal);
            end = end < 0 ? s.Length : end;
            text = s[(i + quotes)..end];
            return Math.Min(s.Length, end + quotes);
        }
        if (quotes == 2)
        {
            text = "";
            return i + 2;
        }
        var j = i + 1;
        while (j < s.Length)
        {
            var c = s[j];
            if (verbatim && c == '"' && At(s, j + 1) == '"') { sb.Append('"'); j += 2; }
            else if (c == '"') { j++; break; }
            else if (!verbatim && c == '\\') { sb.Append(At(s, j + 1)); j += 2; }
            else if (interpolated && c == '{' && At(s, j + 1) == '{') { sb.Append('{'); j += 2; }
            else if (interpolated && c == '}' && At(s, j + 1) == '}') { sb.Append('}'); j += 2; }
            else if (interpolated && c == '{') { sb.Append("{}"); j = SkipHole(s, j + 1); }
            else { sb.Append(c); j++; }
        }
        text = sb.ToString();
        return j;
    }

    /// <summary>Skips an interpolation hole (which may hold strings and braces of its own) up to its closing brace.</summary>
    private static int SkipHole(string s, int j)
    {
        var depth = 0;
        while (j < s.Length)
        {
            var c = s[j];
            if (c is '"' or '$' or '@' && StringStart(s, j) is { } prefix) j = ReadString(s, j + prefix, s[j..(j + prefix)], out _);
            else if (c == '\'') { j++; while (j < s.Length && s[j] != '\'') j += s[j] == '\\' ? 2 : 1; j++; }
            else if (c == '{') { depth++; j++; }
            else if (c == '}') { if (depth-- == 0) return j + 1; j++; }
            else j++;
        }
        return j;
    }
}
