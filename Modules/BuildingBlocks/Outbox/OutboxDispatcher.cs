using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Storefront.BuildingBlocks.Outbox;

public sealed class OutboxOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    public int BatchSize { get; set; } = 100;
    public int MaxAttempts { get; set; } = 10;
}

/// <summary>One module's outbox dispatcher (one is registered per module that has an outbox).</summary>
public interface IOutboxDispatcher
{
    /// <summary>The DbContext whose outbox this delivers.</summary>
    Type Context { get; }

    /// <summary>Delivers one batch; returns how many messages were delivered.</summary>
    Task<int> DispatchOnceAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Delivers the outbox of one module's DbContext to the in-process handlers. Several web instances
/// can run it: a transaction-scoped advisory lock lets one of them deliver a module's outbox at a
/// time, so events reach handlers in the order they happened; a failed message stops the batch so
/// later events for the same subject are not delivered before it.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService, IOutboxBacklog, IOutboxDispatcher
    where TContext : DbContext
{
    public Type Context => typeof(TContext);

    public async Task<OutboxBacklog> PendingAsync(IReadOnlyCollection<Type> eventTypes, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var names = eventTypes.Select(t => t.AssemblyQualifiedName!).ToArray();
        var pending = db.Set<OutboxMessage>().Where(m => m.ProcessedAt == null && names.Contains(m.Type));
        var count = await pending.LongCountAsync(cancellationToken);
        var oldest = count == 0 ? null : await pending.MinAsync(m => (DateTimeOffset?)m.OccurredAt, cancellationToken);
        return new OutboxBacklog(count, oldest);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var delivered = await DispatchOnceAsync(stoppingToken);
                if (delivered == 0) await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbox dispatch for {Context} failed; retrying", typeof(TContext).Name);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stoppingToken);
            }
        }
    }

    /// <summary>Delivers one batch; returns how many messages were delivered.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var schema = db.Model.GetDefaultSchema() ?? "public";
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        // One dispatcher per outbox at a time, across every instance: two batches delivered side by
        // side could apply an older change to a subject after a newer one.
        var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtext({"outbox:" + schema})) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!mine) return 0;
        // The schema comes from the model and the numbers from options, never from input.
#pragma warning disable EF1002
        var batch = await db.Set<OutboxMessage>()
            .FromSqlRaw($"""
                SELECT * FROM "{schema}".outbox_messages
                WHERE processed_at IS NULL AND attempts < {options.Value.MaxAttempts}
                ORDER BY occurred_at, id
                LIMIT {options.Value.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
#pragma warning restore EF1002
        var delivered = 0;
        // Consecutive messages of one type go to their handlers as one run, so a batch handler can
        // apply them in one write; single-event handlers still get them one by one, in order.
        for (var start = 0; start < batch.Count;)
        {
            var end = start;
            while (end < batch.Count && batch[end].Type == batch[start].Type) end++;
            var run = batch.GetRange(start, end - start);
            try
            {
                await DeliverAsync(scope.ServiceProvider, run, cancellationToken);
                var now = clock.GetUtcNow();
                foreach (var message in run) message.ProcessedAt = now;
                delivered += run.Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The run is retried from its first message, which carries the attempt count.
                run[0].Attempts++;
                run[0].LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                logger.LogWarning(ex, "Delivering outbox messages from {Id} ({Type}, {Count} in the run) failed", run[0].Id, run[0].Type, run.Count);
                break;
            }
            start = end;
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return delivered;
    }

    private static async Task DeliverAsync(IServiceProvider services, List<OutboxMessage> run, CancellationToken ct)
    {
        var eventType = Type.GetType(run[0].Type, throwOnError: true)!;
        if (services.GetService<OutboxDelivery>() is { } delivery) delivery.OldestOccurredAt = run[0].OccurredAt;
        var events = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(eventType))!;
        foreach (var message in run)
            events.Add(JsonSerializer.Deserialize(message.Payload, eventType, OutboxModelBuilderExtensions.JsonOptions)!);

        var batchHandlerType = typeof(IIntegrationEventBatchHandler<>).MakeGenericType(eventType);
        var batchMethod = batchHandlerType.GetMethod(nameof(IIntegrationEventBatchHandler<object>.HandleAsync))!;
        foreach (var handler in services.GetServices(batchHandlerType))
            await (Task)batchMethod.Invoke(handler, [events, ct])!;

        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
        var method = handlerType.GetMethod(nameof(IIntegrationEventHandler<object>.HandleAsync))!;
        var handlers = services.GetServices(handlerType).ToList();
        if (handlers.Count == 0) return;
        foreach (var payload in events)
        {
            foreach (var handler in handlers)
                await (Task)method.Invoke(handler, [payload, ct])!;
        }
    }
}
