using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks.Events.Data;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.BuildingBlocks.Events;

/// <summary>What one delivery pass of a consumer did.</summary>
public sealed record DeliveryPass(int Delivered, bool MoreWaiting, DateTimeOffset? RetryAt, bool Busy)
{
    public static readonly DeliveryPass Elsewhere = new(0, false, null, Busy: true);
}

/// <summary>
/// Delivers the log to one consumer. The consumer's position row is locked for the pass, so one
/// instance delivers a once-per-cluster consumer at a time and events reach it in log order. A
/// failed event is retried with exponential back-off, from where it failed, without the consumers
/// that already have it; one that keeps failing is parked for this consumer only, and later events
/// of its subject wait behind it, parked too, so that a subject's events are never applied out of order.
/// </summary>
public sealed partial class ConsumerRunner(
    EventConsumerDefinition consumer,
    string instance,
    IServiceScopeFactory scopes,
    EventTypeRegistry registry,
    IOptions<EventOptions> options,
    TimeProvider clock,
    ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public EventConsumerDefinition Consumer => consumer;

    /// <summary>"" for a once-per-cluster consumer, this instance's id for a once-per-instance one.</summary>
    public string Instance => instance;

    private sealed record Logged(long Position, string Name, string? Subject, string Payload, DateTimeOffset OccurredAt);

    private sealed class State
    {
        public long Position;
        public int Attempts;
        public long? FailingPosition;
        public string? LastError;
        public DateTimeOffset? LastErrorAt;
        public DateTimeOffset? NextAttemptAt;
        public double? LastDelayMs;
        public DateTimeOffset? LastDeliveredAt;
        public DateTimeOffset SeenAt;

        public (long, int, DateTimeOffset?, DateTimeOffset?) Key => (Position, Attempts, NextAttemptAt, LastDeliveredAt);
    }

    /// <summary>An idle pass writes its row only this often, to show the instance is alive.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>Set when this instance missed events it can no longer read; cleared once the handler has recovered.</summary>
    public bool RecoveryPending { get; set; }

    public async Task<DeliveryPass> DeliverOnceAsync(CancellationToken ct)
    {
        if (RecoveryPending)
        {
            await using var recovery = scopes.CreateAsyncScope();
            if (recovery.ServiceProvider.GetRequiredService(consumer.HandlerType) is IRecoversMissedEvents recovers)
                await recovers.RecoverAsync(ct);
            RecoveryPending = false;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var tx = await connection.BeginTransactionAsync(ct);
            var state = await LockAsync(connection, tx, ct);
            if (state is null) return DeliveryPass.Elsewhere;
            var now = clock.GetUtcNow();
            var before = state.Key;

            var replayed = await ReplayRequestedAsync(connection, tx, state, ct);
            if (state.NextAttemptAt is { } due && due > now)
            {
                await SaveIfChangedAsync(connection, tx, state, before, now, ct);
                await tx.CommitAsync(ct);
                return new DeliveryPass(replayed, false, due, false);
            }

            var (events, head) = await ReadAsync(connection, tx, state.Position, ct);
            var parkedSubjects = await ParkedSubjectsAsync(connection, tx, ct);
            var delivered = replayed;
            var stopped = false;
            for (var i = 0; i < events.Count && !stopped;)
            {
                var first = events[i];
                if (first.Subject is not null && parkedSubjects.TryGetValue(first.Subject, out var blocker))
                {
                    await ParkAsync(connection, tx, first, state.Attempts, $"Waits behind parked event #{blocker} of the same subject.", blocker, ct);
                    state.Position = first.Position;
                    i++;
                    continue;
                }
                // A run: consecutive events of one name, none of a parked subject. While an event is
                // failing, runs are single events so that the one at fault is the one retried and parked.
                var end = i + 1;
                if (state.Attempts == 0)
                {
                    while (end < events.Count && events[end].Name == first.Name
                        && (events[end].Subject is null || !parkedSubjects.ContainsKey(events[end].Subject!))) end++;
                }
                var run = events.GetRange(i, end - i);
                try
                {
                    await HandleAsync(run, ct);
                    var last = run[^1];
                    state.Position = last.Position;
                    state.Attempts = 0;
                    state.FailingPosition = null;
                    state.NextAttemptAt = null;
                    state.LastDeliveredAt = clock.GetUtcNow();
                    state.LastDelayMs = Math.Max(0, (state.LastDeliveredAt.Value - last.OccurredAt).TotalMilliseconds);
                    EventMetrics.Handled(consumer.Name, run.Count, state.LastDeliveredAt.Value - last.OccurredAt);
                    delivered += run.Count;
                    i = end;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    state.Attempts = state.FailingPosition == first.Position ? state.Attempts + 1 : 1;
                    state.FailingPosition = first.Position;
                    state.LastError = Trim(ex.Message, 2000);
                    state.LastErrorAt = clock.GetUtcNow();
                    if (run.Count == 1 && state.Attempts >= options.Value.ParkAfterAttempts)
                    {
                        LogParked(ex, consumer.Name, first.Position, first.Name, state.Attempts);
                        EventMetrics.ParkedOne(consumer.Name);
                        await ParkAsync(connection, tx, first, state.Attempts, state.LastError, null, ct);
                        if (first.Subject is not null) parkedSubjects[first.Subject] = first.Position;
                        state.Position = first.Position;
                        state.Attempts = 0;
                        state.FailingPosition = null;
                        state.NextAttemptAt = null;
                        i++;
                        continue;
                    }
                    state.NextAttemptAt = clock.GetUtcNow() + options.Value.RetryDelay(state.Attempts);
                    LogFailed(ex, consumer.Name, first.Position, first.Name, state.Attempts, state.NextAttemptAt.Value);
                    EventMetrics.Failure(consumer.Name);
                    stopped = true;
                }
            }
            var full = events.Count == options.Value.BatchSize;
            // Everything up to the head was read and nothing failed: the events between that this
            // consumer does not take are passed too, so that its position shows it is up to date and
            // the log can be cleaned up behind it. An idle consumer writes that only with its
            // heartbeat, not on every pass another consumer's events set off.
            if (!stopped && !full && head > state.Position && (delivered > 0 || now - state.SeenAt > Heartbeat)) state.Position = head;
            await SaveIfChangedAsync(connection, tx, state, before, now, ct);
            await tx.CommitAsync(ct);
            return new DeliveryPass(delivered, full && !stopped, stopped ? state.NextAttemptAt : null, false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task HandleAsync(IReadOnlyList<Logged> run, CancellationToken ct)
    {
        var eventType = registry.Find(run[0].Name) ?? throw new InvalidOperationException($"No running module declares the event \"{run[0].Name}\".");
        var events = run.Select(e => JsonSerializer.Deserialize(e.Payload, eventType, Json)
            ?? throw new InvalidOperationException($"Event #{e.Position} has an empty payload.")).ToList();
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<OutboxDelivery>() is { } delivery) delivery.OldestOccurredAt = run[0].OccurredAt;
        var handler = scope.ServiceProvider.GetRequiredService(consumer.HandlerType);
        await consumer.DeliverAsync(handler, run[0].Name, events, ct);
    }

    private async Task<State?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT position, attempts, failing_position, last_error, last_error_at, next_attempt_at, last_delay_ms, last_delivered_at, seen_at
            FROM events.consumer_positions WHERE consumer = @consumer AND instance = @instance
            FOR UPDATE SKIP LOCKED
            """, connection, tx);
        command.Parameters.AddWithValue("consumer", consumer.Name);
        command.Parameters.AddWithValue("instance", instance);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new State
        {
            Position = reader.GetInt64(0),
            Attempts = reader.GetInt32(1),
            FailingPosition = reader.IsDBNull(2) ? null : reader.GetInt64(2),
            LastError = reader.IsDBNull(3) ? null : reader.GetString(3),
            LastErrorAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            NextAttemptAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            LastDelayMs = reader.IsDBNull(6) ? null : reader.GetDouble(6),
            LastDeliveredAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            SeenAt = reader.GetFieldValue<DateTimeOffset>(8),
        };
    }

    private async Task<(List<Logged> Events, long Head)> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long after, CancellationToken ct)
    {
        // One statement, one snapshot: the head is the last position this read could have seen.
        await using var command = new NpgsqlCommand("""
            SELECT l.position, l.name, l.subject, l.payload::text, l.occurred_at, h.head
            FROM (SELECT coalesce(max(position), 0) AS head FROM events.event_log) h
            LEFT JOIN LATERAL (
                SELECT * FROM events.event_log WHERE position > @after AND name = ANY(@names) ORDER BY position LIMIT @limit
            ) l ON true
            ORDER BY l.position
            """, connection, tx);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("names", consumer.EventNames.ToArray());
        command.Parameters.AddWithValue("limit", options.Value.BatchSize);
        var events = new List<Logged>();
        long head = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            head = reader.GetInt64(5);
            if (reader.IsDBNull(0)) continue;
            events.Add(new Logged(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return (events, head);
    }

    /// <summary>The subjects this consumer has parked events of, with the first parked position of each.</summary>
    private async Task<Dictionary<string, long>> ParkedSubjectsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT subject, min(position) FROM events.parked_events
            WHERE consumer = @consumer AND instance = @instance AND subject IS NOT NULL GROUP BY subject
            """, connection, tx);
        command.Parameters.AddWithValue("consumer", consumer.Name);
        command.Parameters.AddWithValue("instance", instance);
        var subjects = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) subjects[reader.GetString(0)] = reader.GetInt64(1);
        return subjects;
    }

    private async Task ParkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Logged e, int attempts, string? error, long? behind, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO events.parked_events (consumer, instance, position, name, subject, payload, occurred_at, attempts, error, parked_at, behind)
            VALUES (@consumer, @instance, @position, @name, @subject, @payload::jsonb, @occurred, @attempts, @error, @now, @behind)
            ON CONFLICT (consumer, instance, position) DO NOTHING
            """, connection, tx);
        command.Parameters.AddWithValue("consumer", consumer.Name);
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("position", e.Position);
        command.Parameters.AddWithValue("name", e.Name);
        command.Parameters.AddWithValue("subject", (object?)e.Subject ?? DBNull.Value);
        command.Parameters.AddWithValue("payload", e.Payload);
        command.Parameters.AddWithValue("occurred", e.OccurredAt);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("behind", (object?)behind ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Delivers the parked events a merchant asked to replay, oldest first. One that fails again stays
    /// parked with its new error, and the later ones of its subject keep waiting behind it.
    /// </summary>
    private async Task<int> ReplayRequestedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, State state, CancellationToken ct)
    {
        var requested = new List<(long Id, Logged Event)>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, position, name, subject, payload::text, occurred_at FROM events.parked_events
            WHERE consumer = @consumer AND instance = @instance AND replay_requested_at IS NOT NULL
            ORDER BY position
            """, connection, tx))
        {
            command.Parameters.AddWithValue("consumer", consumer.Name);
            command.Parameters.AddWithValue("instance", instance);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                requested.Add((reader.GetInt64(0), new Logged(reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5))));
        }
        if (requested.Count == 0) return 0;

        var stillParked = await ParkedSubjectsAsync(connection, tx, ct);
        var failedSubjects = new HashSet<string>(StringComparer.Ordinal);
        var replayed = 0;
        foreach (var (id, e) in requested)
        {
            // An earlier event of the subject is still parked and not being replayed: this one keeps waiting.
            var blocked = e.Subject is not null && (failedSubjects.Contains(e.Subject)
                || stillParked.TryGetValue(e.Subject, out var first) && first < e.Position && !requested.Any(r => r.Event.Position == first));
            string? error = blocked ? "Waits behind an earlier parked event of the same subject." : null;
            if (!blocked)
            {
                try
                {
                    await HandleAsync([e], ct);
                    await ExecuteAsync(connection, tx, "DELETE FROM events.parked_events WHERE id = @id", id, null, ct);
                    replayed++;
                    LogReplayed(consumer.Name, e.Position, e.Name);
                    continue;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    error = Trim(ex.Message, 2000);
                    LogReplayFailed(ex, consumer.Name, e.Position, e.Name);
                }
            }
            if (e.Subject is not null) failedSubjects.Add(e.Subject);
            await ExecuteAsync(connection, tx, """
                UPDATE events.parked_events SET replay_requested_at = NULL, attempts = attempts + 1, error = @error
                WHERE id = @id
                """, id, error, ct);
        }
        state.LastDeliveredAt = replayed > 0 ? clock.GetUtcNow() : state.LastDeliveredAt;
        return replayed;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, long id, string? error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue("id", id);
        if (sql.Contains("@error", StringComparison.Ordinal)) command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private Task SaveIfChangedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, State state,
        (long, int, DateTimeOffset?, DateTimeOffset?) before, DateTimeOffset now, CancellationToken ct) =>
        state.Key != before || now - state.SeenAt > Heartbeat ? SaveAsync(connection, tx, state, ct) : Task.CompletedTask;

    private async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, State state, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE events.consumer_positions SET position = @position, attempts = @attempts, failing_position = @failing,
                last_error = @error, last_error_at = @error_at, next_attempt_at = @next, last_delay_ms = @delay,
                last_delivered_at = @delivered, seen_at = @now
            WHERE consumer = @consumer AND instance = @instance
            """, connection, tx);
        command.Parameters.AddWithValue("consumer", consumer.Name);
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("position", state.Position);
        command.Parameters.AddWithValue("attempts", state.Attempts);
        command.Parameters.AddWithValue("failing", (object?)state.FailingPosition ?? DBNull.Value);
        command.Parameters.AddWithValue("error", (object?)state.LastError ?? DBNull.Value);
        command.Parameters.AddWithValue("error_at", (object?)state.LastErrorAt ?? DBNull.Value);
        command.Parameters.AddWithValue("next", (object?)state.NextAttemptAt ?? DBNull.Value);
        command.Parameters.AddWithValue("delay", (object?)state.LastDelayMs ?? DBNull.Value);
        command.Parameters.AddWithValue("delivered", (object?)state.LastDeliveredAt ?? DBNull.Value);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Trim(string text, int max) => text.Length > max ? text[..max] : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on event #{Position} ({Name}), attempt {Attempts}; retrying at {RetryAt}")]
    private partial void LogFailed(Exception exception, string consumer, long position, string name, int attempts, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Consumer} parked event #{Position} ({Name}) after {Attempts} attempts")]
    private partial void LogParked(Exception exception, string consumer, long position, string name, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} replayed parked event #{Position} ({Name})")]
    private partial void LogReplayed(string consumer, long position, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} failed again on replayed event #{Position} ({Name}); it stays parked")]
    private partial void LogReplayFailed(Exception exception, string consumer, long position, string name);
}
