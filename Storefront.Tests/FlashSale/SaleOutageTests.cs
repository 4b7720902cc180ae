using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Selling;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.FlashSale;

/// <summary>A flash-sale store on a Redis server of its own, which its test stops and starts again (empty).</summary>
public sealed class SaleOutageFixture : FlashSaleFixture
{
    public RedisServer Redis { get; private set; } = default!;

    protected override async Task<(string Postgres, string Redis)> ServersAsync()
    {
        Redis = await RedisServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
        // Short timeouts: an outage is noticed in about a second, not after the client's default waits.
        return (await TestInfrastructure.CreateDatabaseAsync(), $"{Redis.ConnectionString},connectTimeout=1000,asyncTimeout=1000,syncTimeout=1000");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>
/// Redis stopped in the middle of a sale: every sale page and endpoint still answers (the waiting
/// room says it is catching its breath, buying is a 429 with Retry-After, nothing is taken), and when
/// Redis comes back empty the sale rebuilds itself from PostgreSQL without oversell or a restart.
/// </summary>
public sealed class SaleOutageTests(SaleOutageFixture store) : IClassFixture<SaleOutageFixture>
{
    private static readonly object Buyer = new
    {
        name = "Ada Shopper", line1 = "1 Main St", city = "Springfield", region = "CA", postalCode = "90210", country = "US",
        email = "ada@example.com", card = "4242424242424242",
    };

    [Fact]
    public async Task With_Redis_stopped_the_sale_answers_without_errors_and_rebuilds_itself_when_Redis_returns()
    {
        var sale = await store.ArmedSaleAsync("outage", units: 2, guests: true, startsIn: TimeSpan.FromSeconds(2));
        store.StartSale(sale);
        var (buyer, _) = store.ClientWithCookieJar();
        var (waiter, _) = store.ClientWithCookieJar();
        await buyer.PostAsJsonAsync("/api/sales/outage/join", new { });
        await store.StepAsync(sale);
        Assert.Equal(HttpStatusCode.OK, (await buyer.PostAsJsonAsync("/api/sales/outage/purchase", Buyer)).StatusCode);
        await waiter.PostAsJsonAsync("/api/sales/outage/join", new { });

        await store.Redis.StopAsync();
        try
        {
            var page = await waiter.GetAsync("/sale/outage");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("catching its breath", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var status = await waiter.GetAsync("/api/sales/outage/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            var body = await status.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("rebuilding", body.GetProperty("state").GetString());
            Assert.InRange(body.GetProperty("pollAfter").GetInt32(), 1, 5);
            var buy = await waiter.PostAsJsonAsync("/api/sales/outage/purchase", Buyer);
            Assert.Equal(HttpStatusCode.TooManyRequests, buy.StatusCode);
            Assert.NotNull(buy.Headers.RetryAfter);
            var join = await store.Client().PostAsJsonAsync("/api/sales/outage/join", new { });
            Assert.Equal(HttpStatusCode.TooManyRequests, join.StatusCode);
            var dashboard = await store.Admin(a => a.DashboardAsync(sale.Id, default));
            Assert.True(dashboard!.CountersMissing);
        }
        finally
        {
            await store.Redis.StartAgainAsync();
        }

        // Back, empty: the first look rebuilds the counters (2 units − 1 held by the purchase), the
        // waiting shopper is back in line from their pass and is let in; the buyer stays over the limit.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement again;
        do
        {
            await Task.Delay(200);
            again = await waiter.GetFromJsonAsync<JsonElement>("/api/sales/outage/status");
        }
        while (again.GetProperty("state").GetString() == "rebuilding" && DateTime.UtcNow < deadline);
        Assert.Equal("waiting", again.GetProperty("state").GetString());
        Assert.Equal(1, await store.Services.GetRequiredService<SaleRoomStore>().LeftAsync(sale.Id));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepAsync(sale);
        Assert.Equal(HttpStatusCode.OK, (await waiter.PostAsJsonAsync("/api/sales/outage/purchase", Buyer)).StatusCode);
        var over = await buyer.PostAsJsonAsync("/api/sales/outage/join", new { });
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Equal(SalePhase.SoldOut, (await store.Room(r => r.FindAsync("outage", default)))!.Phase);
    }
}
