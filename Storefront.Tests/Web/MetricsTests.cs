using System.Diagnostics.Metrics;
using Hangfire;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.FlashSale;
using Storefront.Web.Infrastructure;

namespace Storefront.Tests.Web;

public sealed class MetricsFixture : ShopFixture
{
    public const string Token = "scrape-token-of-the-tests";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Metrics:AllowedNetworks:0"] = "10.1.0.0/16",
        ["Metrics:Token"] = Token,
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>();

    public HttpClient ClientFrom(string address)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(ClientAddressStartupFilter.Header, address);
        return client;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await BuildSearchIndexAsync();
    }
}

/// <summary>
/// Run alone, after the test classes that run side by side: ASP.NET Core makes its meters per host,
/// and when a host stops, the stream its meters shared with the other hosts of the process stops
/// too (OpenTelemetry keys a stream by the meter's name). One host per process, as in production,
/// has none of this.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>
/// The store's numbers in Prometheus' text format. The store's own meters are process-wide, so
/// other tests add to the same counters: the tests compare before and after, and ask for at least
/// what their own requests added.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests(MetricsFixture store) : IClassFixture<MetricsFixture>
{
    /// <summary>The sum of a metric's series whose labels contain every one of <paramref name="labels"/> (such as outcome="completed").</summary>
    public static double Value(string scrape, string metric, params string[] labels) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));

    private async Task<string> ScrapeAsync()
    {
        var response = await store.ClientFrom("127.0.0.1").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_operator_reads_the_numbers_from_the_server_itself_an_allowed_network_or_with_the_token_and_nobody_else_can()
    {
        Assert.Equal(HttpStatusCode.OK, (await store.Client().GetAsync("/")).StatusCode);
        var local = await store.ClientFrom("127.0.0.1").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal("text/plain", local.Content.Headers.ContentType?.MediaType);
        var scrape = await local.Content.ReadAsStringAsync();
        // ASP.NET Core's request durations by route, and the runtime's own numbers.
        Assert.Contains("http_server_request_duration_seconds_bucket{", scrape, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/\"", scrape, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", scrape, StringComparison.Ordinal);
        Assert.Contains("service_name=\"storefront\"", scrape, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("::ffff:127.0.0.1").GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await store.ClientFrom("10.1.20.30").GetAsync("/metrics")).StatusCode);

        // Anyone else finds no such page.
        var stranger = await store.ClientFrom("203.0.113.9").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.DoesNotContain("http_server_request_duration", await stranger.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await store.ClientFrom("10.2.0.1").GetAsync("/metrics")).StatusCode);
        // A request a proxy on the same machine passed on is not the server's own.
        var proxied = store.ClientFrom("127.0.0.1");
        proxied.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.NotFound, (await proxied.GetAsync("/metrics")).StatusCode);
        var realIp = store.ClientFrom("127.0.0.1");
        realIp.DefaultRequestHeaders.Add("X-Real-IP", "203.0.113.9");
        Assert.Equal(HttpStatusCode.NotFound, (await realIp.GetAsync("/metrics")).StatusCode);

        // The token opens it from anywhere; a wrong one does not.
        var withToken = store.ClientFrom("203.0.113.9");
        withToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MetricsFixture.Token);
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/metrics")).StatusCode);
        var wrongToken = store.ClientFrom("127.0.0.1");
        wrongToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MetricsFixture.Token + "x");
        Assert.Equal(HttpStatusCode.NotFound, (await wrongToken.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task An_order_a_search_and_the_events_they_cause_show_in_the_numbers_without_naming_the_shopper()
    {
        var product = await store.ProductAsync(10);
        var before = await ScrapeAsync();

        Guid cart;
        using (var scope = store.Services.CreateScope())
        {
            var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
            cart = await carts.StartAsync(default);
            Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        }
        var email = $"counted-{Guid.NewGuid():N}@example.test";
        CheckoutResult placed;
        using (var scope = store.Services.CreateScope())
            placed = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null, email,
                new Address("Cora Counted", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default);
        Assert.True(placed.Succeeded, placed.Outcome.ToString());
        var word = product.Title.Split(' ').First(w => w.Length >= 4 && w.All(char.IsLetter));
        Assert.Equal(HttpStatusCode.OK, (await store.Client().GetAsync($"/search?q={Uri.EscapeDataString(word)}")).StatusCode);
        await store.DrainOutboxAsync();

        var after = await ScrapeAsync();
        Assert.True(Value(after, "storefront_orders_placed_total") >= Value(before, "storefront_orders_placed_total") + 1);
        Assert.True(Value(after, "storefront_checkout_attempts_total", "outcome=\"completed\"")
                    >= Value(before, "storefront_checkout_attempts_total", "outcome=\"completed\"") + 1);
        Assert.True(Value(after, "storefront_checkout_duration_seconds_count", "outcome=\"completed\"")
                    >= Value(before, "storefront_checkout_duration_seconds_count", "outcome=\"completed\"") + 1);
        Assert.True(Value(after, "storefront_search_duration_seconds_count", "outcome=\"answered\"")
                    >= Value(before, "storefront_search_duration_seconds_count", "outcome=\"answered\"") + 1);
        // The order's event reached its consumers (the order e-mail among them), and how long it took is recorded.
        Assert.True(Value(after, "storefront_events_delivered_total") > Value(before, "storefront_events_delivered_total"));
        Assert.True(Value(after, "storefront_events_delivery_delay_seconds_count") > Value(before, "storefront_events_delivery_delay_seconds_count"));
        Assert.Contains("storefront_events_delivered_total{", after, StringComparison.Ordinal);
        Assert.Contains("consumer=\"", after, StringComparison.Ordinal);

        // Nothing in them names the shopper, the order or the cart.
        Assert.DoesNotContain(email, after, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(placed.OrderNumber!, after, StringComparison.Ordinal);
        Assert.DoesNotContain(cart.ToString("N"), after, StringComparison.Ordinal);
        Assert.DoesNotContain(cart.ToString(), after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Background_jobs_are_counted_by_state_and_a_failed_one_shows()
    {
        Assert.Contains("storefront_jobs{", await ScrapeAsync(), StringComparison.Ordinal);

        // This store's own job storage, read by gauges of their own (Hangfire's default storage is one per process).
        var options = new Hangfire.PostgreSql.PostgreSqlStorageOptions { SchemaName = InfrastructureExtensions.HangfireSchema, PrepareSchemaIfNecessary = false };
        var storage = new Hangfire.PostgreSql.PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(store.ConnectionString, options), options);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var clock = new ShiftedClock();
        _ = new JobMetrics(storage, factory, clock);
        Dictionary<string, long> Read()
        {
            var read = new Dictionary<string, long>();
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == "storefront.jobs") l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags) if (tag.Key == "state") read[(string)tag.Value!] = value;
            });
            listener.Start();
            listener.RecordObservableInstruments();
            return read;
        }

        var before = Read();
        var client = new Hangfire.BackgroundJobClient(storage);
        client.Create(() => CountedJobs.Nothing(), new Hangfire.States.EnqueuedState());
        client.Create(() => CountedJobs.Nothing(), new Hangfire.States.FailedState(new InvalidOperationException("The job failed.")));
        // Read again within the freshness window: the same numbers, no new query.
        Assert.Equal(before, Read());
        clock.Advance(JobMetrics.Freshness);
        var after = Read();
        Assert.Equal(["enqueued", "failed", "processing", "scheduled"], after.Keys.Order());
        Assert.True(after["enqueued"] >= before["enqueued"] + 1);
        Assert.True(after["failed"] >= before["failed"] + 1);
    }
}

public static class CountedJobs
{
    /// <summary>A job that is failed for good once it fails (no automatic retry turns its failure into a schedule).</summary>
    [AutomaticRetry(Attempts = 0)]
    public static void Nothing()
    {
    }
}
