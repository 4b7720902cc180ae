using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Security;

public sealed class SecurityHeadersTests(StoreFixture store) : IClassFixture<StoreFixture>
{
    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content)
        : throw new Xunit.Sdk.XunitException($"{name} is missing from {response.RequestMessage?.RequestUri}");

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/css/site.css")]
    [InlineData("/no-such-page")]
    public async Task Every_page_carries_the_browser_security_headers(string path)
    {
        var response = await store.Client().GetAsync(path);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/cart")]
    [InlineData("/api/sales/no-such-sale/status")]
    [InlineData("/api/no-such-endpoint")]
    [InlineData("/health/live")]
    public async Task Json_and_health_answers_carry_a_policy_that_loads_nothing_and_frames_nothing(string path)
    {
        var response = await store.Client().GetAsync(path);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        // Document-only headers stay off the small answers every shopper in a sale's line polls.
        Assert.False(response.Headers.Contains("Permissions-Policy"));
    }

    [Theory]
    [InlineData("/account/reset-password?email=a%40example.test&token=abc")]
    [InlineData("/orders/SF-1?key=secret")]
    public async Task Pages_whose_address_holds_a_secret_send_no_referrer(string path)
    {
        var response = await store.Client().GetAsync(path);
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task Only_the_review_page_may_load_stripe_and_no_page_allows_inline_scripts()
    {
        var review = await store.Client(followRedirects: false).GetAsync("/checkout/review");
        Assert.Contains("script-src 'self' https://js.stripe.com;", Header(review, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-src https://js.stripe.com", Header(review, "Content-Security-Policy"), StringComparison.Ordinal);
        var home = await store.Client().GetAsync("/");
        Assert.DoesNotContain("stripe", Header(home, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", Header(home, "Content-Security-Policy").Replace("style-src-attr 'unsafe-inline'", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_area_is_never_cached_or_referred_and_only_the_jobs_dashboard_runs_inline_scripts()
    {
        var admin = await store.AdminClientAsync();
        var products = await admin.GetAsync("/admin/products");
        Assert.Equal("no-referrer", Header(products, "Referrer-Policy"));
        Assert.Contains("no-store", Header(products, "Cache-Control"), StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", Header(products, "Content-Security-Policy"), StringComparison.Ordinal);

        var jobs = await admin.GetAsync("/admin/jobs");
        Assert.Contains("script-src 'self' 'unsafe-inline'", Header(jobs, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Header(jobs, "Content-Security-Policy"), StringComparison.Ordinal);
    }
}
