using Storefront.Search.Contracts;
using Storefront.Search.Ranking;

namespace Storefront.Tests.Rules;

/// <summary>The popularity formula and how it lifts a text score (docs/search.md).</summary>
public sealed class PopularityTests
{
    private static readonly RankingOptions Defaults = new();

    [Theory]
    [InlineData(0, 0, 0, 0, 0)]
    [InlineData(10, 0, 0, 0, 10)]
    [InlineData(0, 2, 0, 0, 10)]
    [InlineData(0, 0, 4, 5, 2)]
    [InlineData(0, 0, 4, 2.5, 1)]
    [InlineData(3, 1, 2, 4, 8.8)]
    public void Popularity_weighs_clicks_units_bought_and_rated_reviews(int clicks, int purchases, int reviews, decimal rating, double expected) =>
        Assert.Equal(expected, PopularityFormula.Of(Defaults, clicks, purchases, reviews, rating), 9);

    [Fact]
    public void A_unit_bought_counts_as_five_clicks_by_default() =>
        Assert.Equal(PopularityFormula.Of(Defaults, 5, 0, 0, 0), PopularityFormula.Of(Defaults, 0, 1, 0, 0));

    [Fact]
    public void Without_popularity_or_weight_the_text_score_is_kept()
    {
        Assert.Equal(1, PopularityFormula.Multiplier(0.15, 0));
        Assert.Equal(1, PopularityFormula.Multiplier(0, 1000));
        Assert.Equal(1, PopularityFormula.Multiplier(0.15, -5));
    }

    [Fact]
    public void The_multiplier_grows_with_the_logarithm_of_popularity()
    {
        Assert.Equal(1 + 0.15 * Math.Log(2), PopularityFormula.Multiplier(0.15, 1), 12);
        Assert.Equal(1 + 0.5 * Math.Log(101), PopularityFormula.Multiplier(0.5, 100), 12);
        // Ten times the interest is far less than ten times the lift: popularity breaks ties, it does not bury relevance.
        Assert.True(PopularityFormula.Multiplier(0.15, 1000) < 2.1);
        Assert.True(PopularityFormula.Multiplier(0.15, 100) < PopularityFormula.Multiplier(0.15, 1000));
    }
}
