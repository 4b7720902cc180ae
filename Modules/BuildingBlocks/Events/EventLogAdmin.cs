using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Storefront.BuildingBlocks.Events.Data;

namespace Storefront.BuildingBlocks.Events;

/// <summary>One consumer's position on one instance (or the cluster's, for once-per-cluster consumers).</summary>
public sealed record ConsumerPositionView(
    string Instance, long Position, long Pending, DateTimeOffset? OldestPendingAt, int Attempts, string? LastError,
    DateTimeOffset? LastErrorAt, DateTimeOffset? NextAttemptAt, double? LastDelayMs, DateTimeOffset? LastDeliveredAt,
    DateTimeOffset SeenAt, int Parked)
{
    /// <summary>Waiting events are counted up to this many; beyond it the page says "more than".</summary>
    public const int PendingCountLimit = 100_000;

    public bool Failing => Attempts > 0;
}

public sealed record ConsumerView(string Name, ConsumerScope Scope, IReadOnlyList<string> Events, IReadOnlyList<ConsumerPositionView> Positions);

public sealed record EventLogOverview(long Head, long Logged, DateTimeOffset? OldestLoggedAt, long Unrelayed, IReadOnlyList<ConsumerView> Consumers);

public sealed record ParkedEventView(long Id, string Consumer, string Instance, long Position, string Name, string? Subject,
    string Payload, DateTimeOffset OccurredAt, int Attempts, string? Error, DateTimeOffset ParkedAt, long? Behind, bool ReplayRequested);

public enum ParkedActionOutcome { Done, AlreadyRequested, NotFound }

/// <summary>What the admin area shows of event delivery, and the merchant's replay and skip.</summary>
public interface IEventLogAdmin
{
    Task<EventLogOverview> OverviewAsync(CancellationToken cancellationToken);

    /// <summary>One consumer's positions, lag and failures; null for a name no module registers.</summary>
    Task<ConsumerView?> ConsumerAsync(string name, CancellationToken cancellationToken);

    /// <summary>Parked events, oldest first, of one consumer or of all.</summary>
    Task<IReadOnlyList<ParkedEventView>> ParkedAsync(string? consumer, int take, CancellationToken cancellationToken);

    /// <summary>How many events are parked, of every consumer.</summary>
    Task<long> ParkedCountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Asks the consumer's owner to deliver the parked event again, with the later parked events of
    /// its subject (they wait behind it). Asking twice is answered once.
    /// </summary>
    Task<ParkedActionOutcome> ReplayAsync(long parkedId, string actor, CancellationToken cancellationToken);

    /// <summary>Drops a parked event for its consumer for good; the later events of its subject stay parked.</summary>
    Task<ParkedActionOutcome> SkipAsync(long parkedId, string actor, CancellationToken cancellationToken);
}

internal sealed partial class EventLogAdmin(
    EventsDbContext db,
    IEnumerable<EventConsumerDefinition> definitions,
    IEnumerable<OutboxSource> outboxes,
    EventDelivery delivery,
    IServiceProvider services,
    ILogger<EventLogAdmin> logger) : IEventLogAdmin
{
    public async Task<EventLogOverview> OverviewAsync(CancellationToken ct)
    {
        var head = await db.Log.MaxAsync(e => (long?)e.Position, ct) ?? 0;
        var logged = await db.Log.LongCountAsync(ct);
        var oldest = await db.Log.MinAsync(e => (DateTimeOffset?)e.LoggedAt, ct);
        long unrelayed = 0;
        foreach (var outbox in outboxes)
        {
            // The schema comes from the module registrations, never from input.
#pragma warning disable EF1002
            unrelayed += await db.Database.SqlQueryRaw<long>($"SELECT count(*) AS \"Value\" FROM \"{outbox.Schema}\".outbox_messages WHERE processed_at IS NULL").SingleAsync(ct);
#pragma warning restore EF1002
        }
        var consumers = new List<ConsumerView>();
        foreach (var definition in definitions.OrderBy(d => d.Name, StringComparer.Ordinal))
            consumers.Add(await ViewAsync(definition, ct));
        return new EventLogOverview(head, logged, oldest, unrelayed, consumers);
    }

    public async Task<ConsumerView?> ConsumerAsync(string name, CancellationToken ct) =>
        definitions.FirstOrDefault(d => d.Name == name) is { } definition ? await ViewAsync(definition, ct) : null;

    private async Task<ConsumerView> ViewAsync(EventConsumerDefinition definition, CancellationToken ct)
    {
        // Makes sure this instance's positions exist (they do once delivery has started).
        await delivery.RunnersAsync(ct);
        var names = definition.EventNames.ToArray();
        var scope = definition.ScopeOf(services);
        // Rows of the other kind are left from before a change of scope (a store moving its search
        // index from Lucene to Elasticsearch): they take no part in delivery.
        var rows = await db.Positions.AsNoTracking()
            .Where(r => r.Consumer == definition.Name && (scope == ConsumerScope.OncePerCluster ? r.Instance == "" : r.Instance != ""))
            .OrderBy(r => r.Instance).ToListAsync(ct);
        var parked = await db.Parked.Where(p => p.Consumer == definition.Name).GroupBy(p => p.Instance)
            .Select(g => new { Instance = g.Key, Count = g.Count() }).ToListAsync(ct);
        // Committed events still in a module's outbox are waiting for this consumer too.
        var (unrelayed, oldestUnrelayed) = await UnrelayedAsync(names, ct);
        var positions = new List<ConsumerPositionView>();
        foreach (var row in rows)
        {
            var after = db.Log.Where(e => e.Position > row.Position && names.Contains(e.Name));
            var logged = await after.Take(ConsumerPositionView.PendingCountLimit).LongCountAsync(ct);
            var oldestPending = logged == 0 ? oldestUnrelayed : await after.OrderBy(e => e.Position).Select(e => (DateTimeOffset?)e.OccurredAt).FirstAsync(ct);
            var pending = logged + unrelayed;
            positions.Add(new ConsumerPositionView(row.Instance, row.Position, pending, oldestPending, row.Attempts, row.LastError, row.LastErrorAt,
                row.NextAttemptAt, row.LastDelayMs, row.LastDeliveredAt, row.SeenAt,
                parked.FirstOrDefault(p => p.Instance == row.Instance)?.Count ?? 0));
        }
        return new ConsumerView(definition.Name, scope, names, positions);
    }

    public Task<long> ParkedCountAsync(CancellationToken ct) => db.Parked.LongCountAsync(ct);

    public async Task<IReadOnlyList<ParkedEventView>> ParkedAsync(string? consumer, int take, CancellationToken ct)
    {
        var query = db.Parked.AsNoTracking();
        if (consumer is not null) query = query.Where(p => p.Consumer == consumer);
        return await query.OrderBy(p => p.Consumer).ThenBy(p => p.Instance).ThenBy(p => p.Position).Take(Math.Clamp(take, 1, 1000))
            .Select(p => new ParkedEventView(p.Id, p.Consumer, p.Instance, p.Position, p.Name, p.Subject, p.Payload, p.OccurredAt,
                p.Attempts, p.Error, p.ParkedAt, p.Behind, p.ReplayRequestedAt != null))
            .ToListAsync(ct);
    }

    public async Task<ParkedActionOutcome> ReplayAsync(long parkedId, string actor, CancellationToken ct)
    {
        var parked = await db.Parked.AsNoTracking().FirstOrDefaultAsync(p => p.Id == parkedId, ct);
        if (parked is null) return ParkedActionOutcome.NotFound;
        var now = DateTimeOffset.UtcNow;
        // Conditional on not being asked already, so a double click asks once.
        var asked = await db.Parked.Where(p => p.Id == parkedId && p.ReplayRequestedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.ReplayRequestedAt, now), ct);
        if (asked == 0) return await db.Parked.AnyAsync(p => p.Id == parkedId, ct) ? ParkedActionOutcome.AlreadyRequested : ParkedActionOutcome.NotFound;
        if (parked.Subject is not null)
        {
            await db.Parked.Where(p => p.Consumer == parked.Consumer && p.Instance == parked.Instance && p.Subject == parked.Subject
                    && p.Position > parked.Position && p.ReplayRequestedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.ReplayRequestedAt, now), ct);
        }
        LogReplayRequested(actor, parked.Consumer, parked.Position, parked.Name);
        delivery.Wake(parked.Consumer);
        return ParkedActionOutcome.Done;
    }

    public async Task<ParkedActionOutcome> SkipAsync(long parkedId, string actor, CancellationToken ct)
    {
        var parked = await db.Parked.AsNoTracking().FirstOrDefaultAsync(p => p.Id == parkedId, ct);
        if (parked is null) return ParkedActionOutcome.NotFound;
        var deleted = await db.Parked.Where(p => p.Id == parkedId).ExecuteDeleteAsync(ct);
        if (deleted == 0) return ParkedActionOutcome.NotFound;
        LogSkipped(actor, parked.Consumer, parked.Position, parked.Name, parked.Error);
        return ParkedActionOutcome.Done;
    }

    private async Task<(long Count, DateTimeOffset? Oldest)> UnrelayedAsync(string[] names, CancellationToken ct)
    {
        long count = 0;
        DateTimeOffset? oldest = null;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            foreach (var outbox in outboxes)
            {
                // The schema comes from the module registrations, never from input.
#pragma warning disable CA2100
                await using var command = new Npgsql.NpgsqlCommand(
                    $"SELECT count(*), min(occurred_at) FROM \"{outbox.Schema}\".outbox_messages WHERE processed_at IS NULL AND type = ANY(@names)",
                    (Npgsql.NpgsqlConnection)db.Database.GetDbConnection());
#pragma warning restore CA2100
                command.Parameters.AddWithValue("names", names);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                count += reader.GetInt64(0);
                if (!reader.IsDBNull(1) && reader.GetFieldValue<DateTimeOffset>(1) is var at && (oldest is null || at < oldest)) oldest = at;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return (count, oldest);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} asked consumer {Consumer} to replay parked event #{Position} ({Name})")]
    private partial void LogReplayRequested(string actor, string consumer, long position, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Actor} skipped parked event #{Position} ({Name}) for consumer {Consumer}; it had failed with: {Error}")]
    private partial void LogSkipped(string actor, string consumer, long position, string name, string? error);
}
