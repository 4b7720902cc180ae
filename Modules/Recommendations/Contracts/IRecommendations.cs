namespace Storefront.Recommendations.Contracts;

/// <summary>Where a list came from: co-purchases scored against chance.</summary>
public static class RecommendationSources
{
    public const string CoPurchase = "co-purchase";
}

/// <summary>One recommended product: how strongly it goes with the product, and how many customers bought both.</summary>
public sealed record RecommendedItem(string Sku, double Score, int Together, string Source);

/// <summary>The store's recommendations, read.</summary>
public interface IRecommendations
{
    /// <summary>"Customers who bought this also bought": the best first; empty when nothing is known.</summary>
    Task<IReadOnlyList<RecommendedItem>> AlsoBoughtAsync(string sku, CancellationToken cancellationToken);
}

/// <summary>A finished rebuild: what it read and kept.</summary>
public sealed record RebuildReport(DateTimeOffset StartedAt, TimeSpan Took, int Orders, int Lines, int Customers, int Products, int PairsKept);

/// <summary>The merchant's and the scheduler's side.</summary>
public interface IRecommendationsAdmin
{
    /// <summary>Recomputes every list from the order history of the window (the nightly job).</summary>
    Task<RebuildReport> RebuildAsync(CancellationToken cancellationToken);
}
