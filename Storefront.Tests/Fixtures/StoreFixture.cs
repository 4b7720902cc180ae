using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Events.Data;
using Storefront.Web.Identity;
using Storefront.Web.Seeding;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// One database and one host per test class. <see cref="ResetAsync"/> empties the module tables
/// (accounts and migrations stay) so a test can start from a clean store.
/// </summary>
public class StoreFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public string RedisConnectionString { get; private set; } = "";
    public StorefrontFactory Factory { get; private set; } = default!;
    public IServiceProvider Services => Factory.Services;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services a fixture adds or replaces (after the app's own registrations).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    /// <summary>Browser tests need the app on a real port instead of the in-memory test server.</summary>
    protected virtual bool RealPort => false;

    /// <summary>Where a browser reaches the app (only with <see cref="RealPort"/>).</summary>
    public Uri BaseAddress { get; private set; } = new("http://localhost");

    /// <summary>
    /// The database and Redis this fixture's store uses: by default a clone of the migrated template
    /// and a logical Redis database of its own, on the servers the whole run shares.
    /// </summary>
    protected virtual async Task<(string Postgres, string Redis)> ServersAsync() =>
        (await TestInfrastructure.CreateDatabaseAsync(), await TestInfrastructure.CreateRedisDatabaseAsync());

    public virtual async Task InitializeAsync()
    {
        (ConnectionString, RedisConnectionString) = await ServersAsync();
        Factory = new StorefrontFactory(ConnectionString, RedisConnectionString, Settings, ConfigureServices);
        if (RealPort)
        {
            Factory.UseKestrel(0);
            Factory.StartServer();
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
        else
        {
            _ = Factory.Server;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        // The host's idle connections to this class's database would otherwise stay open for the rest
        // of the run, and a suite of many classes would run the shared server out of connections.
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    public HttpClient Client(bool followRedirects = true) =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects, HandleCookies = true });

    /// <summary>A client whose cookies the test can read and change.</summary>
    public (HttpClient Client, CookieContainer Jar) ClientWithCookieJar()
    {
        var jar = new CookieContainer();
        var client = Factory.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(),
            new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(jar));
        return (client, jar);
    }

    /// <summary>The registered databases of the modules (the host's accounts are not reset).</summary>
    private IEnumerable<IModuleDatabase> ModuleDatabases =>
        Services.GetServices<IModuleDatabase>().Where(d => d.Context.Assembly != typeof(Program).Assembly);

    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            @"SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = ANY(@schemas) AND tablename NOT LIKE '\_\_%'", connection))
        {
            // The event log keeps its positions: consumers running in this host hold them, and a log
            // numbered from 1 again would look to them like events they have already had.
            list.Parameters.AddWithValue("schemas", ModuleDatabases.Select(d => d.Module).Where(m => m != EventsDbContext.Schema).ToArray());
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        // Background work of the store (the event relay, the flash-sale admission loop) may hold a lock
        // TRUNCATE also needs, the other way round: PostgreSQL then ends one of the two, and the reset
        // is simply made again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var tx = await connection.BeginTransactionAsync();
                // Holding every consumer's row waits for the passes under way and keeps new ones out, so no
                // consumer applies an old event to the emptied tables.
                await using (var hold = new NpgsqlCommand("SELECT 1 FROM events.consumer_positions FOR UPDATE", connection, tx))
                    await hold.ExecuteNonQueryAsync();
                // The names come from pg_tables, quoted by format('%I').
#pragma warning disable CA2100
                await using (var command = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables)} RESTART IDENTITY CASCADE", connection, tx))
                    await command.ExecuteNonQueryAsync();
#pragma warning restore CA2100
                await using (var events = new NpgsqlCommand("""
                    DELETE FROM events.event_log;
                    DELETE FROM events.parked_events;
                    UPDATE events.consumer_positions SET attempts = 0, failing_position = NULL, last_error = NULL, last_error_at = NULL, next_attempt_at = NULL;
                    """, connection, tx))
                    await events.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(50 * attempt);
            }
        }
        await FlushRedisAsync();
        // Category trees and facets are cached in memory; a reset store must not see old ones.
        if (Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>() is Microsoft.Extensions.Caching.Memory.MemoryCache cache)
            cache.Compact(1.0);
        // So are whole pages: a page of the old store must not be served to the new one.
        await Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>()
            .EvictByTagAsync(Storefront.Web.Caching.PageTags.All, default);
    }

    /// <summary>The keys in this fixture's Redis database that match a pattern.</summary>
    public async Task<IReadOnlyList<string>> RedisKeysAsync(string pattern)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        var database = StackExchange.Redis.ConfigurationOptions.Parse(RedisConnectionString).DefaultDatabase ?? 0;
        var keys = new List<string>();
        await foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(database, pattern)) keys.Add(key.ToString());
        return keys;
    }

    /// <summary>Empties this fixture's own Redis database, as a restart without persistence would.</summary>
    public async Task FlushRedisAsync()
    {
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConnectionString + ",allowAdmin=true");
        var options = StackExchange.Redis.ConfigurationOptions.Parse(RedisConnectionString);
        await admin.GetServer(admin.GetEndPoints()[0]).FlushDatabaseAsync(options.DefaultDatabase ?? 0);
    }

    /// <summary>
    /// The payloads of every event of this name the store has raised and not yet dropped: still in a
    /// module's outbox or already in the event log.
    /// </summary>
    public async Task<IReadOnlyList<string>> EventPayloadsAsync(string name)
    {
        var outboxes = Services.GetServices<OutboxSource>().Select(o => $"SELECT payload::text FROM \"{o.Schema}\".outbox_messages WHERE type = @name");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        // The schemas come from the registrations, never from input.
#pragma warning disable CA2100
        await using var command = new NpgsqlCommand(
            string.Join(" UNION ALL ", outboxes.Append("SELECT payload::text FROM events.event_log WHERE name = @name")), connection);
#pragma warning restore CA2100
        command.Parameters.AddWithValue("name", name);
        var payloads = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) payloads.Add(reader.GetString(0));
        return payloads;
    }

    /// <summary>Loads the demo catalog generator's first <paramref name="products"/> products.</summary>
    public async Task SeedDemoAsync(int products)
    {
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CatalogSeeder>().SeedIfEmptyAsync(products, default);
    }

    /// <summary>
    /// Moves every committed outbox row into the event log and delivers the log to every consumer
    /// now, waiting for any pass a background loop has under way, so the next assertion sees every
    /// consumer's work. A consumer that is failing is left waiting for its retry.
    /// </summary>
    public Task DrainOutboxAsync() => Services.GetRequiredService<EventDelivery>().DrainAsync(default);

    /// <summary>
    /// Builds the search index from the catalog now. The store may already be building it (at start
    /// it rebuilds an index that was never built); then this waits for that build to be swapped in.
    /// </summary>
    public async Task BuildSearchIndexAsync()
    {
        using var scope = Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<Storefront.Search.Contracts.ISearchIndexAdmin>();
        var indexes = scope.ServiceProvider.GetRequiredService<Storefront.Search.Contracts.ISearchIndexes>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // A build started before the catalog was loaded may miss products: wait for it, then build again.
        while (await admin.RebuildAsync(default) == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The search index was not built within 60 s.");
            while (indexes.RebuildingSince is not null && DateTime.UtcNow < deadline) await Task.Delay(50);
        }
    }

    /// <summary>
    /// The cart count the header of a cached page shows this client: what its script gets from
    /// /api/visitor (null when the cart cannot be read just now).
    /// </summary>
    public static async Task<int?> HeaderCartCountAsync(HttpClient client)
    {
        using var answer = await client.PostAsync("/api/visitor", new FormUrlEncodedContent([]));
        answer.EnsureSuccessStatusCode();
        var count = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(answer.Content)).GetProperty("cartCount");
        return count.ValueKind == System.Text.Json.JsonValueKind.Null ? null : count.GetInt32();
    }

    /// <summary>An HTTP client signed in as the development admin.</summary>
    public async Task<HttpClient> AdminClientAsync()
    {
        var client = Client();
        await SignInAsync(client, AdminBootstrapper.DemoEmail, AdminBootstrapper.DemoPassword);
        return client;
    }

    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = Html.AntiforgeryToken(page);
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.OK || response.RequestMessage?.RequestUri?.AbsolutePath != "/")
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
    }
}
