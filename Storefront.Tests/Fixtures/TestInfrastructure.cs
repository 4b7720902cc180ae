using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// The servers every test shares: one private PostgreSQL and one Redis per test run, and a template
/// database migrated once that each test class clones (CREATE DATABASE … TEMPLATE takes ~0.1 s).
/// </summary>
public static class TestInfrastructure
{
    public const string TemplateDatabase = "sf_template";
    private static readonly Lazy<Task<SharedServers>> Servers = new(StartAsync);
    private static int _databaseCounter;

    static TestInfrastructure()
    {
        // Test classes run in parallel, each with a host of its own (Hangfire, Lucene, Kestrel for
        // the browser tests). On a 2-core machine the pool starts with 2 workers and adds about one
        // every half second, so a burst of blocking work left Redis replies unread for over 5 s
        // and a cart lock timed out. Start the pool wide enough for the suite's parallel load.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }

    public sealed record SharedServers(PostgresServer Postgres, RedisServer Redis);

    public static Task<SharedServers> GetAsync() => Servers.Value;

    /// <summary>A fresh, migrated, empty database of its own.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var servers = await GetAsync();
        var name = $"sf_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await servers.Postgres.ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}");
        return servers.Postgres.ConnectionStringFor(name);
    }

    private static int _redisDatabaseCounter;

    /// <summary>
    /// A Redis connection string with a logical database of its own, so that one test class's
    /// carts, dirty set and FLUSHDB never touch another's. The private server has 256 databases;
    /// an external one (STOREFRONT_TEST_REDIS) is assumed to have the default 16.
    /// </summary>
    public static async Task<string> CreateRedisDatabaseAsync()
    {
        var servers = await GetAsync();
        var count = Environment.GetEnvironmentVariable("STOREFRONT_TEST_REDIS") is { Length: > 0 } ? 15 : 255;
        var number = 1 + (Interlocked.Increment(ref _redisDatabaseCounter) - 1) % count;
        return $"{servers.Redis.ConnectionString},defaultDatabase={number}";
    }

    private static async Task<SharedServers> StartAsync()
    {
        var postgresTask = PostgresServer.StartAsync();
        var redisTask = RedisServer.StartAsync();
        var servers = new SharedServers(await postgresTask, await redisTask);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            servers.Redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
            servers.Postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
        };

        await servers.Postgres.ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase}");
        await servers.Postgres.ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
        var cs = servers.Postgres.ConnectionStringFor(TemplateDatabase);
        // Starting the host migrates every module, creates the roles and the development admin,
        // and touching JobStorage creates Hangfire's schema: all of it lands in the template.
        await using (var factory = new StorefrontFactory(cs, servers.Redis.ConnectionString))
        {
            factory.Services.GetRequiredService<JobStorage>().GetConnection().Dispose();
        }
        NpgsqlConnection.ClearAllPools();
        return servers;
    }
}
