using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Storefront.BuildingBlocks.Events;

namespace Storefront.BuildingBlocks.Outbox;

/// <summary>
/// Wakes the relay when a unit of work that wrote outbox rows has committed: at the end of the
/// save, or at the commit of the transaction the save was part of.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> WroteOutbox = [];
    private static readonly object Marker = new();

    /// <summary>
    /// Called when an event is queued on a context, so that the save needs no scan of the change
    /// tracker (which would detect changes a second time on every save).
    /// </summary>
    internal static void MarkWritten(DbContext db) => WroteOutbox.AddOrUpdate(db, Marker);

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && db.Database.CurrentTransaction is null && WroteOutbox.Remove(db)) signal.Committed();
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && db.Database.CurrentTransaction is null && WroteOutbox.Remove(db)) signal.Committed();
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } db && WroteOutbox.Remove(db)) signal.Committed();
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } db) WroteOutbox.Remove(db);
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }
}
