using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.BuildingBlocks;

/// <summary>Problems kept in a text column read back to the same words.</summary>
public sealed class ProblemJsonTests
{
    [Fact]
    public void A_stored_problem_reads_back_with_its_values_and_the_same_words()
    {
        var problem = Problem.Of(CheckoutProblems.NotCompletedRefundedBecause,
            ("reason", Problem.Of(CheckoutProblems.SoldOutBeforeOrder, ("title", "Blue \"Runner\" shoe"))), ("amount", new Money(1234.5m, "USD")));
        var read = ProblemJson.Read(ProblemJson.Write(problem));
        Assert.Equal("We could not complete your order (Blue \"Runner\" shoe sold out before your order could take it.). The $1,234.50 charged has been refunded.",
            English.Of(read));
        Assert.Equal(English.Of(problem), English.Of(read));
    }

    [Fact]
    public void Numbers_keep_their_form()
    {
        var read = ProblemJson.Read(ProblemJson.Write(Problem.Of(CheckoutProblems.OnlyLeftOf, ("available", 3), ("sku", "SKU-1"))))!;
        Assert.Equal("Sorry, only 3 of SKU-1 are left. Change the quantity in your cart to continue.", English.Of(read));
        var amount = ProblemJson.Read(ProblemJson.Write(Problem.Of(CheckoutProblems.ProviderRefundAtMost, ("amount", 12.5m), ("currency", "USD"))));
        Assert.Equal("At most 12.50 USD can still be refunded.", English.Of(amount));
    }

    [Theory]
    [InlineData("Your card was declined.")]
    [InlineData("{not json")]
    [InlineData("{\"text\":\"no code\"}")]
    [InlineData("")]
    public void Text_that_is_not_a_stored_problem_is_not_read_as_one(string text) => Assert.Null(ProblemJson.Read(text));
}
