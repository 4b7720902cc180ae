using Storefront.BuildingBlocks.Events;

namespace Storefront.Tests.Rules;

/// <summary>How long a failing event waits between attempts, without a store.</summary>
public sealed class EventRetryTests
{
    private static readonly EventOptions Defaults = new();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(10, 512)]
    [InlineData(11, 900)]
    [InlineData(19, 900)]
    [InlineData(500, 900)]
    public void Each_retry_waits_twice_as_long_as_the_one_before_up_to_fifteen_minutes(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Defaults.RetryDelay(attempt));

    [Fact]
    public void An_event_is_retried_for_hours_before_it_is_parked()
    {
        var total = Enumerable.Range(1, Defaults.ParkAfterAttempts - 1).Aggregate(TimeSpan.Zero, (sum, attempt) => sum + Defaults.RetryDelay(attempt));
        Assert.InRange(total, TimeSpan.FromHours(2), TimeSpan.FromHours(4));
    }
}
