using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks.Events.Data;
using Storefront.BuildingBlocks.Modules;

namespace Storefront.BuildingBlocks.Events;

/// <summary>
/// Runs the event machinery of this instance: the relay (outboxes into the log), one delivery loop
/// per consumer, a LISTEN connection that wakes them when any instance logs events, and the
/// clean-up of the log. With Events:Enabled off nothing runs by itself and tests call
/// <see cref="DrainAsync"/> instead.
/// </summary>
public sealed partial class EventDelivery(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    IEnumerable<EventConsumerDefinition> definitions,
    EventRelay relay,
    OutboxSignal outboxSignal,
    EventTypeRegistry registry,
    IOptions<EventOptions> options,
    IConfiguration configuration,
    TimeProvider clock,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<EventDelivery>();
    private readonly SemaphoreSlim _prepare = new(1, 1);
    private readonly Lock _instanceLock = new();
    private List<(ConsumerRunner Runner, WakeUp WakeUp)>? _runners;
    private (string Id, bool Created)? _instance;

    /// <summary>This instance's id for its once-per-instance positions.</summary>
    public string InstanceId => Instance().Id;

    /// <summary>The id, and whether this start made it (a new instance: nothing of it on disk to recover).</summary>
    private (string Id, bool Created) Instance()
    {
        lock (_instanceLock)
        {
            return _instance ??= (ResolveInstanceId(out var created), created);
        }
    }

    /// <summary>Wakes this instance's loop of a consumer (after a replay was asked for).</summary>
    public void Wake(string consumer)
    {
        foreach (var (runner, wakeUp) in _runners ?? []) if (runner.Consumer.Name == consumer) wakeUp.Set();
    }

    /// <summary>The consumers as this instance runs them.</summary>
    public async Task<IReadOnlyList<ConsumerRunner>> RunnersAsync(CancellationToken ct) =>
        (await PrepareAsync(ct)).Select(r => r.Runner).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        List<(ConsumerRunner Runner, WakeUp WakeUp)> runners;
        while (true)
        {
            try
            {
                runners = await PrepareAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPrepareFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
            }
        }
        // Wakes the consumers that take any of these names (all of them when the names are unknown).
        void Wake(IReadOnlyCollection<string>? names)
        {
            foreach (var (runner, wakeUp) in runners)
                if (names is null || runner.Consumer.EventNames.Any(names.Contains)) wakeUp.Set();
        }
        var loops = new List<Task> { RelayLoopAsync(Wake, stoppingToken), ListenLoopAsync(Wake, stoppingToken), CleanupLoopAsync(stoppingToken) };
        loops.AddRange(runners.Select(r => ConsumerLoopAsync(r.Runner, r.WakeUp, stoppingToken)));
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Relays every outbox row now and delivers the log to every consumer until each has caught up
    /// or is waiting to retry a failure. For tests and tools; the loops do the same by themselves.
    /// </summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var runners = await PrepareAsync(ct);
        while (await relay.RelayOnceAsync(ct) > 0)
        {
        }
        foreach (var (runner, _) in runners)
        {
            var deadline = clock.GetUtcNow().AddSeconds(30);
            while (true)
            {
                var pass = await runner.DeliverOnceAsync(ct);
                if (pass.Busy)
                {
                    // Another loop holds the consumer: wait for its pass to end, then look again.
                    if (clock.GetUtcNow() > deadline) throw new TimeoutException($"Consumer {runner.Consumer.Name} stayed busy for 30 s.");
                    await Task.Delay(20, ct);
                    continue;
                }
                if (!pass.MoreWaiting) break;
            }
        }
    }

    private async Task<List<(ConsumerRunner Runner, WakeUp WakeUp)>> PrepareAsync(CancellationToken ct)
    {
        if (_runners is { } ready) return ready;
        await _prepare.WaitAsync(ct);
        try
        {
            if (_runners is { } again) return again;
            var (instance, newInstance) = Instance();
            var runners = new List<(ConsumerRunner, WakeUp)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var definition in definitions)
            {
                if (!seen.Add(definition.Name)) throw new InvalidOperationException($"Two event consumers are named \"{definition.Name}\".");
                foreach (var name in definition.EventNames)
                    if (registry.Find(name) is null) throw new InvalidOperationException($"Consumer {definition.Name} takes \"{name}\", which no registered module declares.");
                var perInstance = definition.ScopeOf(services) == ConsumerScope.OncePerInstance;
                var key = perInstance ? instance : "";
                var missed = await EnsurePositionAsync(definition, key, perInstance, newInstance, ct);
                runners.Add((new ConsumerRunner(definition, key, scopes, registry, options, clock, loggers.CreateLogger<ConsumerRunner>())
                {
                    RecoveryPending = missed,
                }, new WakeUp()));
            }
            return _runners = runners;
        }
        finally
        {
            _prepare.Release();
        }
    }

    /// <summary>
    /// A consumer seen for the first time starts at the head of the log: a new e-mail consumer must
    /// not send a week of old e-mails. An instance that comes back resumes where it stopped, unless
    /// the log no longer holds what it missed; then it starts at the head and its handler recovers from
    /// the source before its first delivery (<see cref="IRecoversMissedEvents"/>).
    /// </summary>
    private async Task<bool> EnsurePositionAsync(EventConsumerDefinition definition, string instance, bool perInstance, bool newInstance, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
        var now = clock.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO events.consumer_positions (consumer, instance, position, attempts, seen_at)
            SELECT {definition.Name}, {instance}, coalesce(max(position), 0), 0, {now} FROM events.event_log
            ON CONFLICT (consumer, instance) DO NOTHING
            """, ct);
        if (!perInstance) return false;
        var missed = inserted == 1
            ? !newInstance
            : await db.Database.SqlQuery<bool>($"""
                SELECT p.position + 1 < coalesce((SELECT min(position) FROM events.event_log), p.position + 1) AS "Value"
                FROM events.consumer_positions p WHERE p.consumer = {definition.Name} AND p.instance = {instance}
                """).SingleAsync(ct);
        if (!missed) return false;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE events.consumer_positions SET position = (SELECT coalesce(max(position), 0) FROM events.event_log), seen_at = {now}
            WHERE consumer = {definition.Name} AND instance = {instance}
            """, ct);
        LogMissed(definition.Name);
        return true;
    }

    /// <summary>Events:InstanceId, or an id kept in the data folder (made on first start).</summary>
    private string ResolveInstanceId(out bool created)
    {
        created = false;
        if (options.Value.InstanceId is { Length: > 0 } configured) return configured;
        var folder = Path.GetFullPath(configuration["Storefront:DataPath"] ?? ".data");
        var file = Path.Combine(folder, "instance-id");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } existing) return existing;
        Directory.CreateDirectory(folder);
        var id = $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid():N}";
        if (id.Length > 100) id = id[^100..];
        File.WriteAllText(file, id);
        created = true;
        return id;
    }

    /// <summary>Waits out the rest of <see cref="EventOptions.MinPassInterval"/> since the last pass.</summary>
    private async Task SpaceOutAsync(long lastPass, CancellationToken ct)
    {
        var rest = options.Value.MinPassInterval - clock.GetElapsedTime(lastPass);
        if (rest > TimeSpan.Zero) await Task.Delay(rest, clock, ct);
    }

    private async Task RelayLoopAsync(Action<IReadOnlyCollection<string>?> wake, CancellationToken ct)
    {
        long lastPass = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SpaceOutAsync(lastPass, ct);
                lastPass = clock.GetTimestamp();
                var names = new HashSet<string>(StringComparer.Ordinal);
                while (await relay.RelayOnceAsync(names, ct) > 0)
                {
                }
                if (names.Count > 0) wake(names);
                await outboxSignal.Relay.WaitAsync(options.Value.PollInterval, clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRelayFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, ct);
            }
        }
    }

    /// <summary>Wakes this instance's consumers when another instance's relay logs events.</summary>
    private async Task ListenLoopAsync(Action<IReadOnlyCollection<string>?> wake, CancellationToken ct)
    {
        var connectionString = configuration.GetConnectionString(ModuleRegistration.ConnectionStringName);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => wake(e.Payload.Length == 0 ? null : e.Payload.Split(','));
                await using (var listen = new NpgsqlCommand($"LISTEN {EventRelay.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                // Whatever was logged while nobody listened is picked up now.
                wake(null);
                while (!ct.IsCancellationRequested)
                    await connection.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The poll interval still delivers while the listening connection is down.
                LogListenFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(5), clock, ct);
            }
        }
    }

    private async Task ConsumerLoopAsync(ConsumerRunner runner, WakeUp wakeUp, CancellationToken ct)
    {
        long lastPass = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SpaceOutAsync(lastPass, ct);
                lastPass = clock.GetTimestamp();
                var pass = await runner.DeliverOnceAsync(ct);
                if (pass.MoreWaiting) continue;
                var wait = options.Value.PollInterval;
                if (pass.RetryAt is { } retry && retry - clock.GetUtcNow() < wait) wait = retry - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await wakeUp.WaitAsync(wait, clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The log itself is out of reach (PostgreSQL down): no event's attempt is counted.
                LogDeliveryFailed(ex, runner.Consumer.Name);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, ct);
            }
        }
    }

    /// <summary>Drops events every once-per-cluster consumer has passed and that are older than the retention, and instances long gone.</summary>
    private async Task CleanupLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
                var now = clock.GetUtcNow();
                var before = now - options.Value.Retention;
                var gone = now - options.Value.InstanceExpiry;
                // Only the consumers this code runs count: the row of a consumer since removed, or
                // moved to once per instance, must not keep the log forever.
                var clusterConsumers = definitions.Where(d => d.ScopeOf(services) == ConsumerScope.OncePerCluster).Select(d => d.Name).ToArray();
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    DELETE FROM events.event_log
                    WHERE logged_at < {before}
                      AND position <= (SELECT coalesce(min(position), 0) FROM events.consumer_positions WHERE instance = '' AND consumer = ANY({clusterConsumers}))
                    """, ct);
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    DELETE FROM events.parked_events p USING events.consumer_positions c
                    WHERE p.instance <> '' AND c.consumer = p.consumer AND c.instance = p.instance AND c.seen_at < {gone}
                    """, ct);
                await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM events.consumer_positions WHERE instance <> '' AND seen_at < {gone}", ct);
                // Rows the outbox dispatchers marked delivered before the event log existed.
                foreach (var outbox in scope.ServiceProvider.GetServices<OutboxSource>())
                {
#pragma warning disable EF1002 // the schema comes from the module registrations, never from input
                    await db.Database.ExecuteSqlRawAsync(
                        $"DELETE FROM \"{outbox.Schema}\".outbox_messages WHERE processed_at IS NOT NULL AND processed_at < @before",
                        [new NpgsqlParameter("before", before)], ct);
#pragma warning restore EF1002
                }
                await Task.Delay(TimeSpan.FromMinutes(10), clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCleanupFailed(ex);
                await Task.Delay(TimeSpan.FromMinutes(1), clock, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preparing event consumers failed; retrying")]
    private partial void LogPrepareFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying outboxes into the event log failed; retrying")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for logged events failed; polling until it is back")]
    private partial void LogListenFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering events to {Consumer} failed; retrying")]
    private partial void LogDeliveryFailed(Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning up the event log failed")]
    private partial void LogCleanupFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} missed events this instance can no longer read; it starts at the head and recovers from the source")]
    private partial void LogMissed(string consumer);
}
