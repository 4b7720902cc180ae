using System.Collections.Frozen;

namespace Storefront.Checkout.Saga;

/// <summary>
/// The states and provinces the store knows, with the postal code prefixes each uses. Tax is looked
/// up by region, so an unknown or mismatched region must be refused before a quote, not priced as
/// "no tax".
/// </summary>
internal static class PostalRegions
{
    // First three ZIP digits per state, as inclusive ranges (USPS sectional centres). A few ZIPs
    // cross a state line (Fishers Island NY uses 063); those are listed under both.
    private static readonly FrozenDictionary<string, (int From, int To)[]> UsZipPrefixes = new Dictionary<string, (int, int)[]>
    {
        ["AL"] = [(350, 369)], ["AK"] = [(995, 999)], ["AZ"] = [(850, 865)], ["AR"] = [(716, 729)],
        ["CA"] = [(900, 961)], ["CO"] = [(800, 816)], ["CT"] = [(60, 69)], ["DE"] = [(197, 199)],
        ["DC"] = [(200, 200), (202, 205), (569, 569)], ["FL"] = [(320, 349)], ["GA"] = [(300, 319), (398, 399)],
        ["HI"] = [(967, 968)], ["ID"] = [(832, 838)], ["IL"] = [(600, 629)], ["IN"] = [(460, 479)],
        ["IA"] = [(500, 528)], ["KS"] = [(660, 679)], ["KY"] = [(400, 427)], ["LA"] = [(700, 714)],
        ["ME"] = [(39, 49)], ["MD"] = [(206, 219)], ["MA"] = [(10, 27), (55, 55)], ["MI"] = [(480, 499)],
        ["MN"] = [(550, 567)], ["MS"] = [(386, 397)], ["MO"] = [(630, 658)], ["MT"] = [(590, 599)],
        ["NE"] = [(680, 693)], ["NV"] = [(889, 898)], ["NH"] = [(30, 38)], ["NJ"] = [(70, 89)],
        ["NM"] = [(870, 884)], ["NY"] = [(5, 5), (63, 63), (100, 149)], ["NC"] = [(270, 289)], ["ND"] = [(580, 588)],
        ["OH"] = [(430, 459)], ["OK"] = [(730, 732), (734, 749)], ["OR"] = [(970, 979)], ["PA"] = [(150, 196)],
        ["RI"] = [(28, 29)], ["SC"] = [(290, 299)], ["SD"] = [(570, 577)], ["TN"] = [(370, 385)],
        ["TX"] = [(733, 733), (750, 799), (885, 885)], ["UT"] = [(840, 847)], ["VT"] = [(50, 54), (56, 59)],
        ["VA"] = [(201, 201), (220, 246)], ["WA"] = [(980, 994)], ["WV"] = [(247, 268)], ["WI"] = [(530, 549)],
        ["WY"] = [(820, 831)],
        // Territories addressed as US states, and the armed forces' mail regions.
        ["PR"] = [(6, 7), (9, 9)], ["VI"] = [(8, 8)], ["GU"] = [(969, 969)], ["MP"] = [(969, 969)], ["AS"] = [(967, 967)],
        ["AA"] = [(340, 340)], ["AE"] = [(90, 98)], ["AP"] = [(962, 966)],
    }.ToFrozenDictionary();

    // First letter of a Canadian postal code per province or territory.
    private static readonly FrozenDictionary<string, string> CaPostalLetters = new Dictionary<string, string>
    {
        ["NL"] = "A", ["NS"] = "B", ["PE"] = "C", ["NB"] = "E", ["QC"] = "GHJ", ["ON"] = "KLMNP", ["MB"] = "R",
        ["SK"] = "S", ["AB"] = "T", ["BC"] = "V", ["NT"] = "X", ["NU"] = "X", ["YT"] = "Y",
    }.ToFrozenDictionary();

    /// <summary>Whether the country's addresses need a state or province code (and only known ones).</summary>
    public static bool HasRegions(string country) => country is "US" or "CA";

    public static bool IsKnownRegion(string country, string region) => country switch
    {
        "US" => UsZipPrefixes.ContainsKey(region),
        "CA" => CaPostalLetters.ContainsKey(region),
        _ => true,
    };

    /// <summary>Whether a well-formed postal code belongs to the (known) region.</summary>
    public static bool PostalCodeMatchesRegion(string country, string region, string postalCode) => country switch
    {
        "US" => UsZipPrefixes.TryGetValue(region, out var ranges)
            && int.TryParse(postalCode.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            && ranges.Any(r => prefix >= r.From && prefix <= r.To),
        "CA" => CaPostalLetters.TryGetValue(region, out var letters)
            && letters.Contains(char.ToUpperInvariant(postalCode[0]), StringComparison.Ordinal),
        _ => true,
    };
}
