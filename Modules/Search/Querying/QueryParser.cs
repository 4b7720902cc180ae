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

    public static ParsedQuery Parse(string? input, IReadOnlyCollection<string> brands, IReadOnlyCollection<CategoryName> categories) =>
        Parse(input, new Vocabulary(brands, categories));

    public static ParsedQuery Parse(string? input, Vocabulary vocabulary)
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
        if (vocabulary.Longest(vocabulary.Brands, text) is { } brandMatch)
        {
            brand = vocabulary.BrandNamed(brandMatch.Value);
            text = Remove(text, brandMatch);
        }

        var category = vocabulary.Longest(vocabulary.Categories, text) is { } categoryMatch ? vocabulary.CategoryNamed(categoryMatch.Value) : null;
        return new ParsedQuery(Collapse(text), min, max, brand, category);
    }

    /// <summary>
    /// The brand and category names a query may contain, each set compiled once into one
    /// case-insensitive pattern of whole words (a category also by its singular).
    /// </summary>
    public sealed class Vocabulary
    {
        private readonly Dictionary<string, string> _brands = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _categories = new(StringComparer.OrdinalIgnoreCase);

        public Vocabulary(IReadOnlyCollection<string> brands, IReadOnlyCollection<CategoryName> categories)
        {
            foreach (var brand in brands.Where(b => b.Length > 1)) _brands.TryAdd(brand, brand);
            // Longer names first, so "Running Shoes" is chosen over "Shoes" where both would match.
            foreach (var category in categories.OrderByDescending(c => c.Name.Length))
            {
                var name = category.Name.ToLowerInvariant();
                _categories.TryAdd(name, category.Slug);
                if (name.EndsWith('s')) _categories.TryAdd(name[..^1], category.Slug);
            }
            Brands = Words(_brands.Keys);
            Categories = Words(_categories.Keys);
        }

        internal Regex? Brands { get; }

        internal Regex? Categories { get; }

        internal string BrandNamed(string matched) => _brands[matched];

        internal string CategoryNamed(string matched) => _categories[matched];

        private static Regex? Words(IEnumerable<string> names)
        {
            var alternatives = names.OrderByDescending(n => n.Length).Select(Regex.Escape).ToList();
            // Escaped literals with a one-character look-around on each side cannot backtrack
            // without bound, and queries are cut to MaxLength; a time limit would only turn a slow
            // first (JIT-compiling) match on a busy machine into a failed search.
            return alternatives.Count == 0 ? null
                : new Regex($@"(?<![\p{{L}}\p{{N}}])(?:{string.Join('|', alternatives)})(?![\p{{L}}\p{{N}}])",
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, Regex.InfiniteMatchTimeout);
        }

        /// <summary>The longest name found in the text (the first of equally long ones).</summary>
        internal Match? Longest(Regex? names, string text)
        {
            if (names is null) return null;
            Match? best = null;
            for (var match = names.Match(text); match.Success; match = match.NextMatch())
                if (best is null || match.Length > best.Length) best = match;
            return best;
        }
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

    /// <summary>
    /// Any number of thousands groups matches the price patterns, so an amount can be larger than
    /// any decimal, or than any price: above <see cref="MaxPrice"/> it is no limit at all (null).
    /// </summary>
    private static decimal? Number(string value) =>
        decimal.TryParse(value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)
        && amount <= MaxPrice ? amount : null;

    /// <summary>The largest amount read as a price.</summary>
    public const decimal MaxPrice = 1_000_000_000m;

    /// <summary>The lower and the higher amount; one too large to be a price is no upper limit.</summary>
    private static (decimal?, decimal?) Ordered(decimal? a, decimal? b) => (a, b) switch
    {
        (null, _) => (b, null),
        (_, null) => (a, null),
        ({ } x, { } y) => x <= y ? (x, y) : (y, x),
    };


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
