using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Storefront.BuildingBlocks.Events;

namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// The outbox row of an event as a plain SQL command, for code that writes in its own hand-written
/// transaction (one round trip for everything) instead of through a DbContext. Such a writer calls
/// <see cref="OutboxSignal.Committed"/> after its commit, so the relay moves the event at once.
/// </summary>
public static class OutboxSql
{
    public static NpgsqlBatchCommand Insert<TEvent>(string schema, TEvent integrationEvent, DateTimeOffset now)
        where TEvent : IIntegrationEvent
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO {schema}.outbox_messages (id, type, payload, occurred_at, attempts) VALUES (@outbox_id, @outbox_type, @outbox_payload, @outbox_at, 0)");
        command.Parameters.AddWithValue("outbox_id", Guid.CreateVersion7(now));
        command.Parameters.AddWithValue("outbox_type", EventNames.Of<TEvent>());
        command.Parameters.AddWithValue("outbox_payload", NpgsqlDbType.Jsonb,
            JsonSerializer.Serialize(integrationEvent, OutboxModelBuilderExtensions.JsonOptions));
        command.Parameters.AddWithValue("outbox_at", now);
        return command;
    }
}
