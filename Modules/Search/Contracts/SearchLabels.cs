using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Search.Contracts;

/// <summary>
/// Facet values that are not data but words (brands and categories are the products' own): the
/// engines return these codes and the host words them, as it does problems.
/// </summary>
[ProblemCodes]
public static class SearchLabels
{
    /// <summary>The availability facet's one value: the matching products that have stock.</summary>
    public const string InStock = "search.in-stock";
}
