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

/// <summary>
/// Delivers the outbox of one module's DbContext to the in-process handlers. Rows are claimed with
/// FOR UPDATE SKIP LOCKED, so several web instances can run it side by side; a failed message stops
/// the batch so later events for the same subject are not delivered before it.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
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
        foreach (var message in batch)
        {
            try
            {
                await DeliverAsync(scope.ServiceProvider, message, cancellationToken);
                message.ProcessedAt = clock.GetUtcNow();
                delivered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                message.Attempts++;
                message.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                logger.LogWarning(ex, "Delivering outbox message {Id} ({Type}) failed", message.Id, message.Type);
                break;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return delivered;
    }

    private static async Task DeliverAsync(IServiceProvider services, OutboxMessage message, CancellationToken ct)
    {
        var eventType = Type.GetType(message.Type, throwOnError: true)!;
        var payload = JsonSerializer.Deserialize(message.Payload, eventType, OutboxModelBuilderExtensions.JsonOptions)!;
        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
        var method = handlerType.GetMethod(nameof(IIntegrationEventHandler<object>.HandleAsync))!;
        foreach (var handler in services.GetServices(handlerType))
        {
            await (Task)method.Invoke(handler, [payload, ct])!;
        }
    }
}
