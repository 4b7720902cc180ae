using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Contracts;
using Storefront.Inventory.Data;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.BuildingBlocks;

/// <summary>What the test consumers were given, and which SKUs make the flaky one fail.</summary>
public sealed class EventProbe
{
    public ConcurrentQueue<(string Sku, int OnHand)> Recorded { get; } = new();
    public ConcurrentQueue<(string Sku, int OnHand)> Flaky { get; } = new();
    public ConcurrentDictionary<string, bool> Poisoned { get; } = new();
}

/// <summary>Records every stock change it is given (a consumer that always succeeds).</summary>
public sealed class RecordingConsumer(EventProbe probe) : IIntegrationEventHandler<StockChangedEvent>
{
    public async Task HandleAsync(StockChangedEvent e, CancellationToken cancellationToken)
    {
        if (!e.Sku.StartsWith("EVT-", StringComparison.Ordinal)) return;
        probe.Recorded.Enqueue((e.Sku, e.OnHand));
        await Task.Yield(); // give a concurrent delivery every chance to overtake
    }
}

/// <summary>Fails on the SKUs the test poisons, as a consumer whose dependency is down would.</summary>
public sealed class FlakyConsumer(EventProbe probe) : IIntegrationEventHandler<StockChangedEvent>
{
    public Task HandleAsync(StockChangedEvent e, CancellationToken cancellationToken)
    {
        if (!e.Sku.StartsWith("EVT-", StringComparison.Ordinal)) return Task.CompletedTask;
        if (probe.Poisoned.ContainsKey(e.Sku)) throw new InvalidOperationException($"The mail server refused {e.Sku}.");
        probe.Flaky.Enqueue((e.Sku, e.OnHand));
        return Task.CompletedTask;
    }
}

/// <summary>A store whose events move only when a test says so, with two test consumers of stock changes.</summary>
public sealed class EventDeliveryFixture : StoreFixture
{
    public EventProbe Probe { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Events:Enabled"] = "false",
        ["Events:BatchSize"] = "25",
        ["Events:FirstRetryDelay"] = "00:00:00.010",
        ["Events:MaxRetryDelay"] = "00:00:00.040",
        ["Events:ParkAfterAttempts"] = "3",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Probe);
        services.AddEventConsumer<RecordingConsumer>("test.recorder", ConsumerScope.OncePerCluster);
        services.AddEventConsumer<FlakyConsumer>("test.flaky", ConsumerScope.OncePerCluster);
    }

    /// <summary>Writes stock changes into Inventory's outbox, as committed changes would.</summary>
    public async Task WriteAsync(params (string Sku, int OnHand)[] changes)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < changes.Length; i++)
            batch.BatchCommands.Add(OutboxSql.Insert(InventoryDbContext.Schema, new StockChangedEvent(changes[i].Sku, changes[i].OnHand, changes[i].OnHand), start.AddMilliseconds(i)));
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<ConsumerRunner> RunnerAsync(string name) =>
        (await Services.GetRequiredService<EventDelivery>().RunnersAsync(default)).Single(r => r.Consumer.Name == name);

    /// <summary>Delivers to one consumer until it has caught up, waiting out its retries, at most <paramref name="passes"/> passes.</summary>
    public async Task DeliverAsync(string consumer, int passes = 50)
    {
        var runner = await RunnerAsync(consumer);
        for (var i = 0; i < passes; i++)
        {
            var pass = await runner.DeliverOnceAsync(default);
            if (pass.RetryAt is { } at)
            {
                var wait = at - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                continue;
            }
            if (!pass.MoreWaiting) return;
        }
    }

    public async Task ResetEventsAsync()
    {
        await ResetAsync();
        Probe.Recorded.Clear();
        Probe.Flaky.Clear();
        Probe.Poisoned.Clear();
    }
}

public sealed class EventDeliveryTests(EventDeliveryFixture store) : IClassFixture<EventDeliveryFixture>
{
    private EventDelivery Delivery => store.Services.GetRequiredService<EventDelivery>();

    private IEventLogAdmin Admin(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<IEventLogAdmin>();

    [Fact]
    public async Task A_consumer_gets_one_subjects_events_in_the_order_they_happened_while_four_instances_compete_for_it()
    {
        await store.ResetEventsAsync();
        await store.WriteAsync([.. Enumerable.Range(0, 200).Select(i => ("EVT-ORDER", i))]);
        var relay = store.Services.GetRequiredService<EventRelay>();
        while (await relay.RelayOnceAsync(default) > 0)
        {
        }

        // Four delivery loops (as if on four instances) share the consumer until it has caught up.
        var runner = await store.RunnerAsync("test.recorder");
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            // A generous bound only against a hang: the loops stop as soon as everything arrived,
            // which takes a second or two, more when the whole suite loads the machine.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && store.Probe.Recorded.Count < 200) await runner.DeliverOnceAsync(default);
        }));
        await Task.WhenAll(workers);

        // Each event once (none lost, none twice), in the order of its subject.
        Assert.Equal(200, store.Probe.Recorded.Count);
        Assert.Equal(Enumerable.Range(0, 200), store.Probe.Recorded.Select(r => r.OnHand));
    }

    [Fact]
    public async Task A_failing_consumer_stalls_only_itself_and_its_retry_repeats_no_other_consumer()
    {
        await store.ResetEventsAsync();
        store.Probe.Poisoned["EVT-MAIL"] = true;
        await store.WriteAsync(("EVT-MAIL", 1), ("EVT-A", 2), ("EVT-B", 3));

        await Delivery.DrainAsync(default);

        // The healthy consumer has everything; the failing one is stuck at its first event, waiting to retry.
        Assert.Equal(["EVT-MAIL", "EVT-A", "EVT-B"], store.Probe.Recorded.Select(r => r.Sku));
        Assert.Empty(store.Probe.Flaky);
        using var scope = store.Services.CreateScope();
        var flaky = (await Admin(scope).ConsumerAsync("test.flaky", default))!.Positions.Single();
        Assert.Equal(1, flaky.Attempts);
        Assert.Equal(3, flaky.Pending);
        Assert.Contains("mail server refused", flaky.LastError, StringComparison.Ordinal);
        Assert.NotNull(flaky.NextAttemptAt);

        // The dependency is back: the retry delivers from where it failed, to the failing consumer only.
        store.Probe.Poisoned.Clear();
        await store.DeliverAsync("test.flaky");
        await Delivery.DrainAsync(default);

        Assert.Equal(["EVT-MAIL", "EVT-A", "EVT-B"], store.Probe.Flaky.Select(r => r.Sku));
        Assert.Equal(3, store.Probe.Recorded.Count);
        var recovered = (await Admin(scope).ConsumerAsync("test.flaky", default))!.Positions.Single();
        Assert.Equal(0, recovered.Attempts);
        Assert.Equal(0, recovered.Pending);
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_parked_for_its_consumer_and_the_later_events_of_its_subject_wait_behind_it()
    {
        await store.ResetEventsAsync();
        store.Probe.Poisoned["EVT-BAD"] = true;
        await store.WriteAsync(("EVT-BAD", 1), ("EVT-GOOD", 2), ("EVT-BAD", 3), ("EVT-GOOD", 4));
        await Delivery.DrainAsync(default);

        await store.DeliverAsync("test.flaky");

        // Other subjects went on; the bad subject's first event is parked with its error, the second behind it.
        Assert.Equal([2, 4], store.Probe.Flaky.Select(r => r.OnHand));
        using var scope = store.Services.CreateScope();
        var parked = await Admin(scope).ParkedAsync("test.flaky", 10, default);
        Assert.Equal(2, parked.Count);
        Assert.Equal("inventory.stock-changed.v1", parked[0].Name);
        Assert.Equal("EVT-BAD", parked[0].Subject);
        Assert.Equal(3, parked[0].Attempts);
        Assert.Contains("mail server refused", parked[0].Error, StringComparison.Ordinal);
        Assert.Null(parked[0].Behind);
        Assert.Equal(parked[0].Position, parked[1].Behind);
        Assert.Empty(await Admin(scope).ParkedAsync("test.recorder", 10, default));
        Assert.Equal(0, (await Admin(scope).ConsumerAsync("test.flaky", default))!.Positions.Single().Pending);

        // Fixed, then replayed twice at once: delivered once, in order, and the subject is free again.
        store.Probe.Poisoned.Clear();
        var replays = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            using var s = store.Services.CreateScope();
            return await Admin(s).ReplayAsync(parked[0].Id, "test", default);
        }));
        Assert.Equal([ParkedActionOutcome.Done, ParkedActionOutcome.AlreadyRequested], replays.Order());
        await store.DeliverAsync("test.flaky");
        Assert.Equal([2, 4, 1, 3], store.Probe.Flaky.Select(r => r.OnHand));
        Assert.Empty(await Admin(scope).ParkedAsync("test.flaky", 10, default));

        await store.WriteAsync(("EVT-BAD", 5));
        await Delivery.DrainAsync(default);
        Assert.Equal(5, store.Probe.Flaky.Last().OnHand);
    }

    [Fact]
    public async Task A_skipped_parked_event_is_never_delivered_to_that_consumer()
    {
        await store.ResetEventsAsync();
        store.Probe.Poisoned["EVT-SKIP"] = true;
        await store.WriteAsync(("EVT-SKIP", 1));
        await Delivery.DrainAsync(default);
        await store.DeliverAsync("test.flaky");
        using var scope = store.Services.CreateScope();
        var parked = Assert.Single(await Admin(scope).ParkedAsync("test.flaky", 10, default));

        Assert.Equal(ParkedActionOutcome.Done, await Admin(scope).SkipAsync(parked.Id, "test", default));
        Assert.Equal(ParkedActionOutcome.NotFound, await Admin(scope).SkipAsync(parked.Id, "test", default));
        store.Probe.Poisoned.Clear();
        await store.DeliverAsync("test.flaky");

        Assert.Empty(store.Probe.Flaky);
        Assert.Single(store.Probe.Recorded);
    }

    [Fact]
    public async Task A_row_written_under_its_old_net_type_name_is_logged_and_delivered_under_its_declared_name()
    {
        await store.ResetEventsAsync();
        await using (var connection = new NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO inventory.outbox_messages (id, type, payload, occurred_at, attempts)
                VALUES (@id, @type, '{"sku":"EVT-OLD","onHand":7,"available":7}'::jsonb, now(), 0)
                """, connection);
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("type", "Storefront.Inventory.Contracts.StockChangedEvent, Storefront.Inventory, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null");
            await insert.ExecuteNonQueryAsync();
        }

        await Delivery.DrainAsync(default);

        Assert.Equal([("EVT-OLD", 7)], store.Probe.Recorded);
        await using var check = new NpgsqlConnection(store.ConnectionString);
        await check.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT name || ' ' || subject FROM events.event_log WHERE subject = 'EVT-OLD'", check);
        Assert.Equal("inventory.stock-changed.v1 EVT-OLD", await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_admin_events_page_shows_each_consumer_and_its_parked_events_and_replays_one_once_when_two_merchants_click()
    {
        await store.ResetEventsAsync();
        store.Probe.Poisoned["EVT-PAGE"] = true;
        await store.WriteAsync(("EVT-PAGE", 1), ("EVT-PAGE", 2));
        await Delivery.DrainAsync(default);
        await store.DeliverAsync("test.flaky");
        var admin = await store.AdminClientAsync();

        var page = await admin.GetDocumentAsync("/admin/events");
        Assert.Equal(["catalog.category-counts", "catalog.listing-prices", "catalog.product-cache", "catalog.store-pages", "checkout.fulfilment", "checkout.invoices", "checkout.order-emails", "recommendations.catalog", "recommendations.purchases", "search.index", "search.popularity", "test.flaky", "test.recorder", "web.merchant-order-notices", "web.page-cache", "web.sitemaps", "web.stock-alert-emails"],
            page.QuerySelectorAll("#consumers tr[data-consumer]").Select(r => r.GetAttribute("data-consumer")!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("2", page.QuerySelector("#consumers tr[data-consumer='test.flaky'] .parked-count")!.TextContent);
        Assert.Equal("up to date", page.QuerySelector("#consumers tr[data-consumer='test.recorder'] .waiting")!.TextContent);
        var rows = page.QuerySelectorAll("#parked tr[data-parked]");
        Assert.Equal(2, rows.Length);
        Assert.Contains("The mail server refused EVT-PAGE. (3 attempts)", rows[0].QuerySelector(".error")!.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("waits behind #", rows[1].QuerySelector(".error")!.TextContent, StringComparison.Ordinal);

        // Two merchants click Replay at once: one asks, the other is told it was asked already.
        store.Probe.Poisoned.Clear();
        var id = rows[0].GetAttribute("data-parked");
        var merchants = new[] { admin, await store.AdminClientAsync() };
        var forms = await Task.WhenAll(merchants.Select(m => m.GetStringAsync("/admin/events")));
        var clicks = await Task.WhenAll(merchants.Select((m, i) => m.PostAsync($"/admin/events?handler=Replay&id={id}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Html.AntiforgeryToken(forms[i]) }))));
        var notices = new List<string>();
        foreach (var click in clicks)
        {
            var doc = await Html.ParseAsync(await click.Content.ReadAsStringAsync());
            notices.Add(doc.QuerySelector(".flash, .notice, .problem, [role=status], [role=alert]")?.TextContent.Trim() ?? "");
        }
        Assert.Single(notices, n => n.Contains("will be delivered again", StringComparison.Ordinal));
        Assert.Single(notices, n => n.Contains("was already asked for", StringComparison.Ordinal));

        await store.DeliverAsync("test.flaky");
        Assert.Equal([1, 2], store.Probe.Flaky.Select(r => r.OnHand));
        Assert.NotNull((await admin.GetDocumentAsync("/admin/events")).QuerySelector("#no-parked"));
    }
}
