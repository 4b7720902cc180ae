using Storefront.Search.Contracts;

namespace Storefront.Search.Ranking;

/// <summary>
/// How popularity is counted and how it lifts a text score, in one place; the index stores the
/// popularity, each engine applies the multiplier (Elasticsearch as a <c>ln1p</c> field factor).
/// </summary>
internal static class PopularityFormula
{
    /// <summary>ClickWeight × clicks + PurchaseWeight × units bought + ReviewWeight × reviews × rating / 5.</summary>
    public static double Of(RankingOptions ranking, int clicks, int purchases, int reviews, decimal rating) =>
        ranking.ClickWeight * clicks + ranking.PurchaseWeight * purchases + ranking.ReviewWeight * reviews * (double)rating / 5;

    /// <summary>1 + weight × ln(1 + popularity): a product nobody has shown interest in keeps its text score.</summary>
    public static double Multiplier(double weight, double popularity) => 1 + weight * Math.Log(1 + Math.Max(0, popularity));
}
