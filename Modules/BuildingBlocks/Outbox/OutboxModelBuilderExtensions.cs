using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Events;

namespace Storefront.BuildingBlocks.Outbox;

public static class OutboxModelBuilderExtensions
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the module's outbox table into the module's own schema.</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Id);
            e.Property(m => m.Type).HasMaxLength(500);
            e.Property(m => m.Payload).HasColumnType("jsonb");
            // The relay only ever looks for unprocessed rows in order.
            e.HasIndex(m => m.OccurredAt).HasFilter("processed_at IS NULL");
        });
        return modelBuilder;
    }

    /// <summary>
    /// Queues an integration event to be saved with the current unit of work, under its declared
    /// name; the relay moves it into the event log once the transaction has committed.
    /// </summary>
    public static void AddIntegrationEvent<TEvent>(this DbContext db, TEvent integrationEvent, DateTimeOffset now)
        where TEvent : IIntegrationEvent
    {
        OutboxCommitInterceptor.MarkWritten(db);
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(now),
            Type = EventNames.Of<TEvent>(),
            Payload = JsonSerializer.Serialize(integrationEvent, JsonOptions),
            OccurredAt = now,
        });
    }
}
