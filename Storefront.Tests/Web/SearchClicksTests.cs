using Microsoft.AspNetCore.DataProtection;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Web;

public sealed class SearchClicksTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_click_token_holds_for_its_visitor_and_product_for_two_hours_only()
    {
        var clock = new Clock(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var clicks = new SearchClicks(new EphemeralDataProtectionProvider(), clock);
        var product = Guid.NewGuid();
        var token = clicks.TokenFor("v:0123456789abcdef0123456789abcdef", product);

        Assert.True(clicks.IsValid(token, "v:0123456789abcdef0123456789abcdef", product));
        Assert.False(clicks.IsValid(token, "v:ffffffffffffffffffffffffffffffff", product));
        Assert.False(clicks.IsValid(token, "v:0123456789abcdef0123456789abcdef", Guid.NewGuid()));
        Assert.False(clicks.IsValid(token + "x", "v:0123456789abcdef0123456789abcdef", product));
        Assert.False(clicks.IsValid(null, "v:0123456789abcdef0123456789abcdef", product));

        clock.Now += SearchClicks.Lifetime - TimeSpan.FromSeconds(1);
        Assert.True(clicks.IsValid(token, "v:0123456789abcdef0123456789abcdef", product));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False(clicks.IsValid(token, "v:0123456789abcdef0123456789abcdef", product));
    }
}
