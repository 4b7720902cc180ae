using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Storefront.BuildingBlocks.Events.Data;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.BuildingBlocks.Events;

/// <summary>A module schema whose outbox the relay empties (one is registered per module with an outbox).</summary>
public sealed record OutboxSource(string Schema, Type Context);

/// <summary>
/// Moves committed outbox rows of every module into the event log. One relay runs at a time across
/// the cluster (a transaction-scoped advisory lock), and positions are taken inside that lock, so
/// the log becomes visible in position order: a consumer that has read up to position N will never
/// later find an event below N.
/// </summary>
public sealed partial class EventRelay(
    IServiceScopeFactory scopes,
    IEnumerable<OutboxSource> sources,
    EventTypeRegistry registry,
    IOptions<EventOptions> options,
    TimeProvider clock,
    ILogger<EventRelay> logger)
{
    internal const string Channel = "storefront_events";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Relays one batch from each outbox; returns how many events were logged.</summary>
    public Task<int> RelayOnceAsync(CancellationToken ct) => RelayOnceAsync(null, ct);

    /// <summary>Relays one batch from each outbox, adding the names of the events logged to <paramref name="names"/>.</summary>
    public async Task<int> RelayOnceAsync(ISet<string>? names, CancellationToken ct)
    {
        var logged = new HashSet<string>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('events:relay'))", connection, tx))
                await lockCommand.ExecuteNonQueryAsync(ct);
            var count = 0;
            foreach (var source in sources)
                count += await RelayAsync(connection, tx, source.Schema, logged, ct);
            if (count > 0)
            {
                // The names tell each instance which of its consumers have something new.
                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', @names)", connection, tx);
                notify.Parameters.AddWithValue("names", string.Join(',', logged));
                await notify.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            names?.UnionWith(logged);
            return count;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<int> RelayAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string schema, ISet<string> logged, CancellationToken ct)
    {
        var rows = new List<(Guid Id, string Type, string Payload, DateTimeOffset OccurredAt)>();
        // The schema comes from the module registrations, never from input.
#pragma warning disable CA2100
        await using (var read = new NpgsqlCommand($"""
            SELECT id, type, payload::text, occurred_at FROM "{schema}".outbox_messages
            WHERE processed_at IS NULL ORDER BY occurred_at, id LIMIT {options.Value.BatchSize} FOR UPDATE SKIP LOCKED
            """, connection, tx))
#pragma warning restore CA2100
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        if (rows.Count == 0) return 0;

        var ids = new Guid[rows.Count];
        var names = new string[rows.Count];
        var subjects = new string?[rows.Count];
        var payloads = new string[rows.Count];
        var occurred = new DateTimeOffset[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            ids[i] = row.Id;
            payloads[i] = row.Payload;
            occurred[i] = row.OccurredAt;
            var name = registry.Resolve(row.Type);
            if (name is null)
            {
                // Logged under what it was stored as: no consumer takes it, and the admin page shows it
                // as unknown. A test keeps every name ever written resolvable, so this is a deployment slip.
                LogUnknownType(row.Id, row.Type, schema);
                names[i] = row.Type.Length > 200 ? row.Type[..200] : row.Type;
                continue;
            }
            names[i] = name;
            logged.Add(name);
            subjects[i] = SubjectOf(registry.Find(name)!, row.Payload);
        }

#pragma warning disable CA2100
        await using var write = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO events.event_log (id, name, subject, payload, occurred_at, logged_at, source)
                    SELECT u.id, u.name, u.subject, u.payload::jsonb, u.occurred_at, @now, @source
                    FROM unnest(@ids, @names, @subjects, @payloads, @occurred) WITH ORDINALITY AS u(id, name, subject, payload, occurred_at, n)
                    ORDER BY u.n
                    ON CONFLICT (id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new("ids", ids), new("names", names), new("subjects", subjects), new("payloads", payloads),
                        new("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = occurred },
                        new("now", clock.GetUtcNow()), new("source", schema),
                    },
                },
                new NpgsqlBatchCommand($"DELETE FROM \"{schema}\".outbox_messages WHERE id = ANY(@ids)") { Parameters = { new("ids", ids) } },
            },
        };
#pragma warning restore CA2100
        await write.ExecuteNonQueryAsync(ct);
        return rows.Count;
    }

    private static string? SubjectOf(Type eventType, string payload)
    {
        var subject = (JsonSerializer.Deserialize(payload, eventType, Json) as IIntegrationEvent)?.Subject;
        return subject is { Length: > 200 } ? subject[..200] : subject;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} in {Schema} has a type no running module declares: {Type}")]
    private partial void LogUnknownType(Guid id, string type, string schema);
}
