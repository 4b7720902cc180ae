namespace Storefront.Recommendations.Contracts;

/// <summary>Settings under <c>Recommendations</c>.</summary>
public sealed class RecommendationsOptions
{
    /// <summary>How far back orders count.</summary>
    public int WindowDays { get; set; } = 365;

    /// <summary>How many products each list keeps.</summary>
    public int TopK { get; set; } = 20;

    /// <summary>The fewest customers who bought both products in one order for the pair to count at all.</summary>
    public int MinSupport { get; set; } = 2;

    /// <summary>
    /// Customers with more different products than this in the window are left out of the pairs
    /// (resellers, test accounts): one of them would add as many pairs as thousands of shoppers.
    /// </summary>
    public int MaxProductsPerCustomer { get; set; } = 200;

    /// <summary>
    /// A product with fewer products bought with it than this (cold start: new, or rarely bought) has
    /// its list filled with best-sellers of its category, then of the categories above it.
    /// </summary>
    public int FillBelow { get; set; } = 3;

    /// <summary>Whether product pages show their recommendation boxes (off: the page reads no list at all).</summary>
    public bool ShowOnProductPage { get; set; } = true;

    /// <summary>When the full rebuild runs (Hangfire cron, UTC).</summary>
    public string RebuildCron { get; set; } = "30 3 * * *";
}
