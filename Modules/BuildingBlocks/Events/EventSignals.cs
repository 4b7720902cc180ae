namespace Storefront.BuildingBlocks.Events;

/// <summary>
/// A wake-up that can be given any number of times and is taken by one waiter: signals given while
/// nobody waits are kept as one, so a burst of commits costs one more pass, not one pass each.
/// </summary>
public sealed class WakeUp
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var current = Volatile.Read(ref _next);
        if (!current.Task.IsCompleted)
        {
            try
            {
                await current.Task.WaitAsync(timeout, clock, ct);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
        Interlocked.CompareExchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }
}

/// <summary>
/// Tells this instance's relay that an outbox transaction has committed, so events move on at once
/// instead of at the next poll. Writers that commit by hand (one round-trip batches) call it.
/// </summary>
public sealed class OutboxSignal
{
    internal WakeUp Relay { get; } = new();

    public void Committed() => Relay.Set();
}
