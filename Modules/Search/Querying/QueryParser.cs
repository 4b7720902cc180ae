using System.Globalization;
using System.Text.RegularExpressions;
using Storefront.Search.Contracts;

namespace Storefront.Search.Querying;

/// <summary>
/// Reads prices, brands and categories out of a free-text query. Price phrases: "under/below/less
/// than/up to $X", "over/above/more than/from $X", "between $X and $Y", "$X-$Y", "$X to $Y". Brands
/// and categories are matched by name, longest first; a brand leaves the text, a category stays
/// in it (its words still help ranking).
/// </summary>
public static partial class QueryParser
{
    public const int MaxLength = 200;

    public static ParsedQuery Parse(string? input, IReadOnlyCollection<string> brands, IReadOnlyCollection<CategoryName> categories)
    {
        var text = Normalize(input);
        decimal? min = null, max = null;

        var between = Between().Match(text);
        if (between.Success)
        {
            (min, max) = Ordered(Number(between.Groups["a"].Value), Number(between.Groups["b"].Value));
            text = Remove(text, between);
        }
        else
        {
            var range = Range().Match(text);
            if (range.Success)
            {
                (min, max) = Ordered(Number(range.Groups["a"].Value), Number(range.Groups["b"].Value));
                text = Remove(text, range);
            }
        }
        var under = Under().Match(text);
        if (under.Success)
        {
            max = Number(under.Groups["a"].Value);
            text = Remove(text, under);
        }
        var over = Over().Match(text);
        if (over.Success)
        {
            min = Number(over.Groups["a"].Value);
            text = Remove(text, over);
        }

        string? brand = null;
        foreach (var candidate in brands.Where(b => b.Length > 1).OrderByDescending(b => b.Length))
        {
            var match = Regex.Match(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(candidate)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            if (!match.Success) continue;
            brand = candidate;
            text = Remove(text, match);
            break;
        }

        string? category = null;
        foreach (var candidate in categories.OrderByDescending(c => c.Name.Length))
        {
            var name = candidate.Name.ToLowerInvariant();
            var singular = name.EndsWith('s') ? name[..^1] : name;
            if (Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}])({Regex.Escape(name)}|{Regex.Escape(singular)})(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            {
                category = candidate.Slug;
                break;
            }
        }
        return new ParsedQuery(Collapse(text), min, max, brand, category);
    }

    private static string Normalize(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.Length > MaxLength) text = text[..MaxLength];
        // Control characters and query-syntax characters carry no meaning for a shopper.
        return Collapse(new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()));
    }

    private static string Collapse(string text) => Spaces().Replace(text, " ").Trim();

    private static string Remove(string text, Match match) => Collapse(text.Remove(match.Index, match.Length).Insert(match.Index, " "));

    private static decimal Number(string value) =>
        decimal.Parse(value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static (decimal, decimal) Ordered(decimal a, decimal b) => a <= b ? (a, b) : (b, a);


    [GeneratedRegex(@"\bbetween\s+\$?\s?(?<a>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:dollars|usd)?\s+(?:and|to|-)\s+\$?\s?(?<b>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:dollars|usd)?", RegexOptions.IgnoreCase)]
    private static partial Regex Between();

    [GeneratedRegex(@"(?<![\w.])\$\s?(?<a>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:-|–|to)\s*\$?\s?(?<b>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)(?![\w.])", RegexOptions.IgnoreCase)]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?:under|below|less\s+than|up\s+to|cheaper\s+than|max(?:imum)?)\s+\$?\s?(?<a>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:dollars|usd)?", RegexOptions.IgnoreCase)]
    private static partial Regex Under();

    [GeneratedRegex(@"\b(?:over|above|more\s+than|from|at\s+least|min(?:imum)?)\s+\$?\s?(?<a>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?:dollars|usd)?", RegexOptions.IgnoreCase)]
    private static partial Regex Over();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
