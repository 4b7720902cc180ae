namespace Storefront.Search.Contracts;

/// <summary>
/// What shoppers do that ranking learns from. A visitor is an opaque key for one shopper ("u:" and
/// the account id when signed in, otherwise a random browser key); history is kept per visitor.
/// </summary>
public interface ISearchSignals
{
    /// <summary>
    /// A shopper opened a product from search results (the caller has checked that the result was
    /// shown to this visitor); counted once per visitor, product and day, and for at most
    /// <see cref="RankingOptions.ClicksPerVisitorPerDay"/> products per visitor and day.
    /// </summary>
    Task ClickedAsync(string visitor, Guid productId, CancellationToken cancellationToken);

    /// <summary>A shopper looked at a product: its brand and category weigh in their later searches.</summary>
    Task ViewedAsync(string visitor, string brand, string? categorySlug, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the visitor has a history that personalizes their results (false when it cannot be
    /// read: they then search without it). A results page for a visitor without one is the same for
    /// everybody and can be shared.
    /// </summary>
    Task<bool> HasHistoryAsync(string visitor, CancellationToken cancellationToken);

    /// <summary>Drops the visitor's history (an account being deleted). Throws when it cannot be reached.</summary>
    Task ForgetAsync(string visitor, CancellationToken cancellationToken);

    /// <summary>
    /// What the visitor's history holds (for a shopper's copy of their data): each brand and category
    /// with its weight, heaviest first; empty without one. Throws when it cannot be reached.
    /// </summary>
    Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string visitor, CancellationToken cancellationToken);
}

/// <summary>One brand or category (<see cref="Kind"/> "brand" or "category") of a shopper's history: views, and purchases counting more.</summary>
public sealed record HistoryEntry(string Kind, string Name, long Weight);

/// <summary>How results are ranked beyond text relevance (section "Search:Ranking"; see docs/search.md).</summary>
public sealed class RankingOptions
{
    /// <summary>w in score × (1 + w × ln(1 + popularity)); 0 ranks by text alone.</summary>
    public double PopularityWeight { get; set; } = 0.15;

    /// <summary>Popularity = ClickWeight × clicks + PurchaseWeight × units bought (both over <see cref="WindowDays"/>) + ReviewWeight × reviews × rating / 5.</summary>
    public double ClickWeight { get; set; } = 1;

    public double PurchaseWeight { get; set; } = 5;

    public double ReviewWeight { get; set; } = 0.5;

    public int WindowDays { get; set; } = 30;

    /// <summary>Added to the multiplier of a product of the shopper's favourite brand (less for brands they have shown less interest in).</summary>
    public double HistoryBrandWeight { get; set; } = 0.3;

    /// <summary>Added to the multiplier of a product in the shopper's favourite category.</summary>
    public double HistoryCategoryWeight { get; set; } = 0.2;

    /// <summary>A purchase counts as this many views in the shopper's history.</summary>
    public int HistoryPurchaseViews { get; set; } = 3;

    /// <summary>How many brands and how many categories of the history are boosted.</summary>
    public int HistoryTop { get; set; } = 3;

    public int HistoryDays { get; set; } = 30;

    /// <summary>How many products' clicks one visitor can count in a day (bounds what one visitor, or one script, can move and store).</summary>
    public int ClicksPerVisitorPerDay { get; set; } = 50;
}
