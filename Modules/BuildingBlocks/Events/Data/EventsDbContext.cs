using Microsoft.EntityFrameworkCore;

namespace Storefront.BuildingBlocks.Events.Data;

/// <summary>
/// The event log and its consumers' positions, in the "events" schema. Modules never write here:
/// they write their outbox in their own transaction, and the relay moves committed rows into the log.
/// </summary>
public sealed class EventsDbContext(DbContextOptions<EventsDbContext> options) : DbContext(options)
{
    public const string Schema = "events";

    public DbSet<LoggedEvent> Log => Set<LoggedEvent>();
    public DbSet<ConsumerPosition> Positions => Set<ConsumerPosition>();
    public DbSet<ParkedEvent> Parked => Set<ParkedEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<LoggedEvent>(e =>
        {
            e.ToTable("event_log");
            e.HasKey(x => x.Position);
            e.Property(x => x.Position).UseIdentityByDefaultColumn();
            e.HasIndex(x => x.Id).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Source).HasMaxLength(63);
            e.Property(x => x.Payload).HasColumnType("jsonb");
            // A consumer reads the events of its names after its position.
            e.HasIndex(x => new { x.Name, x.Position });
        });
        modelBuilder.Entity<ConsumerPosition>(e =>
        {
            e.ToTable("consumer_positions");
            e.HasKey(x => new { x.Consumer, x.Instance });
            e.Property(x => x.Consumer).HasMaxLength(100);
            e.Property(x => x.Instance).HasMaxLength(100);
        });
        modelBuilder.Entity<ParkedEvent>(e =>
        {
            e.ToTable("parked_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Consumer).HasMaxLength(100);
            e.Property(x => x.Instance).HasMaxLength(100);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.HasIndex(x => new { x.Consumer, x.Instance, x.Position }).IsUnique();
        });
    }
}

/// <summary>One event in the log. Positions are given in the order rows become visible, so a reader never skips one.</summary>
public sealed class LoggedEvent
{
    public long Position { get; set; }
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string? Subject { get; set; }
    public string Payload { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset LoggedAt { get; set; }

    /// <summary>The schema of the outbox the event came from.</summary>
    public string Source { get; set; } = "";
}

/// <summary>
/// How far one consumer has got: one row per once-per-cluster consumer (Instance is ""), one per
/// consumer and running instance for once-per-instance consumers. The row is also the consumer's
/// lease: whoever delivers holds it locked.
/// </summary>
public sealed class ConsumerPosition
{
    public string Consumer { get; set; } = "";
    public string Instance { get; set; } = "";
    public long Position { get; set; }

    /// <summary>Failed attempts at the event after <see cref="Position"/>; 0 when the last delivery succeeded.</summary>
    public int Attempts { get; set; }
    public long? FailingPosition { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>How long the last delivered event took from being raised to being handled.</summary>
    public double? LastDelayMs { get; set; }
    public DateTimeOffset? LastDeliveredAt { get; set; }

    /// <summary>When the instance last showed it was alive (once-per-instance rows).</summary>
    public DateTimeOffset SeenAt { get; set; }
}

/// <summary>An event set aside for one consumer after it kept failing, or waiting behind one of its subject that was.</summary>
public sealed class ParkedEvent
{
    public long Id { get; set; }
    public string Consumer { get; set; } = "";
    public string Instance { get; set; } = "";
    public long Position { get; set; }
    public string Name { get; set; } = "";
    public string? Subject { get; set; }

    /// <summary>A copy of the event, so that it can be replayed after the log has dropped it.</summary>
    public string Payload { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset ParkedAt { get; set; }

    /// <summary>Set when it waits behind an earlier parked event of its subject rather than failing itself.</summary>
    public long? Behind { get; set; }

    /// <summary>Set when the merchant asked for it to be delivered again; the consumer's owner does it.</summary>
    public DateTimeOffset? ReplayRequestedAt { get; set; }
}
