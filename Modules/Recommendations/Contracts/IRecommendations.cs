namespace Storefront.Recommendations.Contracts;

/// <summary>Where a recommended product came from.</summary>
public static class RecommendationSources
{
    /// <summary>Bought together by more customers than chance predicts (scored by log-likelihood ratio).</summary>
    public const string CoPurchase = "co-purchase";

    /// <summary>
    /// Bought with the product by enough customers, but no more often than chance predicts (a
    /// popular product): listed after every co-purchase, most customers first.
    /// </summary>
    public const string AlsoBought = "also-bought";

    /// <summary>Put there by the merchant.</summary>
    public const string Pinned = "pinned";

    /// <summary>A best-seller of the product's own category, filling a list with too few co-purchases.</summary>
    public const string Category = "category";

    /// <summary>A best-seller of a category above the product's, when its own category had too few.</summary>
    public const string ParentCategory = "parent-category";
}

/// <summary>
/// One recommended product: how strongly it goes with the product (the log-likelihood ratio; 0 for
/// pinned products and best-sellers), how many customers bought both, where it came from, and its
/// own category when known.
/// </summary>
public sealed record RecommendedItem(string Sku, double Score, int Together, string Source, int? CategoryId = null)
{
    /// <summary>Bought with the product (or pinned to it by the merchant), not a best-seller filling in.</summary>
    public bool GoesWith => Source is RecommendationSources.CoPurchase or RecommendationSources.Pinned or RecommendationSources.AlsoBought;

    /// <summary>Bought with the product more often than chance predicts, or pinned to it: what makes a bundle.</summary>
    public bool Complements => Source is RecommendationSources.CoPurchase or RecommendationSources.Pinned;
}

/// <summary>The store's recommendations, read.</summary>
public interface IRecommendations
{
    /// <summary>
    /// "Customers who bought this also bought": pinned products first, then co-purchases best first,
    /// then, when too few products were bought with it, best-sellers of its category and the
    /// categories above. Empty when nothing is known.
    /// </summary>
    Task<IReadOnlyList<RecommendedItem>> AlsoBoughtAsync(string sku, CancellationToken cancellationToken);

    /// <summary>"Complete your order": the lists of these products combined, without the products themselves.</summary>
    Task<IReadOnlyList<RecommendedItem>> ForBasketAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}

/// <summary>"Frequently bought together": the complements that make the best bundle with a product.</summary>
public static class Bundles
{
    /// <summary>
    /// Up to <paramref name="size"/> complements of a product in its category <paramref name="ownCategory"/>:
    /// taken from the first <paramref name="considered"/> products bought with it (or pinned) that
    /// <paramref name="sellable"/> accepts, a product of another category before one of the same,
    /// otherwise best score first. Never a popular product bought with it only as often as chance
    /// predicts, nor a best-seller filling in: a bundle is what people really buy together.
    /// </summary>
    public static IReadOnlyList<RecommendedItem> Choose(IReadOnlyList<RecommendedItem> list, int? ownCategory, Func<string, bool> sellable,
        int size = 2, int considered = 6) =>
        list.Where(i => i.Complements && sellable(i.Sku)).Take(considered)
            .Select((item, rank) => (item, rank))
            .OrderBy(x => ownCategory is not null && x.item.CategoryId == ownCategory ? 1 : 0).ThenBy(x => x.rank)
            .Take(size).Select(x => x.item).ToList();
}

/// <summary>A finished rebuild: what it read and kept.</summary>
public sealed record RebuildReport(DateTimeOffset StartedAt, TimeSpan Took, int Orders, int Lines, int Customers, int Products, int PairsKept);

/// <summary>How many products have a list worth showing.</summary>
/// <param name="Products">Published products the last rebuild or a later change placed.</param>
/// <param name="WithThree">Of those, products with at least three products bought with them or pinned.</param>
/// <param name="WithThreeFilled">Of those, products with at least three once best-sellers fill in.</param>
public sealed record RecommendationCoverage(int Products, int WithThree, int WithThreeFilled)
{
    public double Share => Products == 0 ? 0 : (double)WithThree / Products;
    public double ShareFilled => Products == 0 ? 0 : (double)WithThreeFilled / Products;
}

/// <summary>A product's list as the merchant sees it: what shoppers get, and the merchant's own pins and blocks.</summary>
public sealed record CuratedList(string Sku, IReadOnlyList<RecommendedItem> Items, IReadOnlyList<string> Pinned, IReadOnlyList<string> Blocked);

/// <summary>The merchant's and the scheduler's side.</summary>
/// <summary>
/// Tells this instance when a product's list changed (here or on another instance: a pin, a block,
/// a refresh after new orders), once the new list can be read, so pages showing it can be made
/// again. <c>null</c>: every list changed (a rebuild).
/// </summary>
public interface IRecommendationChanges
{
    event Action<string?>? ListChanged;
}

public interface IRecommendationsAdmin
{
    /// <summary>Recomputes every list from the order history of the window (the nightly job).</summary>
    Task<RebuildReport> RebuildAsync(CancellationToken cancellationToken);

    /// <summary>Computes the lists of products marked stale by new or withdrawn orders now (what the minute job does); returns how many.</summary>
    Task<int> RefreshStaleAsync(CancellationToken cancellationToken);

    /// <summary>Queues a rebuild as a background job now (the merchant's "rebuild now").</summary>
    void QueueRebuild();

    /// <summary>The latest rebuilds, newest first.</summary>
    Task<IReadOnlyList<RebuildReport>> RecentRunsAsync(int take, CancellationToken cancellationToken);

    Task<RecommendationCoverage> CoverageAsync(CancellationToken cancellationToken);

    /// <summary>A product's list read from PostgreSQL (not the cache), with the merchant's pins and blocks.</summary>
    Task<CuratedList> ListAsync(string sku, CancellationToken cancellationToken);

    /// <summary>Puts <paramref name="other"/> at the top of <paramref name="sku"/>'s list (and lifts a block of the pair); shoppers see it on their next view.</summary>
    Task PinAsync(string sku, string other, CancellationToken cancellationToken);

    Task UnpinAsync(string sku, string other, CancellationToken cancellationToken);

    /// <summary>Never recommends the two together, either way round (and drops a pin of the pair); shoppers see it on their next view.</summary>
    Task BlockAsync(string sku, string other, CancellationToken cancellationToken);

    Task UnblockAsync(string sku, string other, CancellationToken cancellationToken);
}

/// <summary>How one method did on the held-out orders.</summary>
/// <param name="HitRate">Share of held-out orders whose hidden product was among the five shown.</param>
/// <param name="PrecisionAt5">Hits over all the products shown (five per order).</param>
/// <param name="Answered">Share of held-out orders that got any recommendation.</param>
public sealed record MethodResult(string Method, int Hits, double HitRate, double PrecisionAt5, double Answered)
{
    /// <summary>The hit rate over the held-out orders whose hidden product is not one of the store's best-sellers (top 1 %).</summary>
    public double HitRateBeyondBestSellers { get; init; }

    /// <summary>How many held-out orders hid a product that is not one of the best-sellers.</summary>
    public int HeldOutBeyondBestSellers { get; init; }
}

public sealed record EvaluationReport(int HeldOut, int Shown, MethodResult Ours, MethodResult Naive, MethodResult Popular, TimeSpan Took);

/// <summary>The lists' quality measured offline against the naive way (for the benchmarks).</summary>
public interface IRecommendationsEvaluation
{
    /// <summary>Holds out the latest <paramref name="heldOut"/> orders of two or more products and measures every method on them; changes nothing.</summary>
    Task<EvaluationReport> EvaluateAsync(int heldOut, CancellationToken cancellationToken);
}
