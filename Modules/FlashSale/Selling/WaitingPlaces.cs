using System.Collections.Concurrent;

namespace Storefront.FlashSale.Selling;

/// <summary>
/// Where waiting shoppers stood when Redis last told this instance, so that a shopper far back in
/// a live sale's line can be answered from memory. Admission is a token bucket in Redis: from a
/// shopper's last known place, at most a burst (<c>rate / 30</c>) plus <c>rate</c> a minute can have
/// been let in since. While that count is at least a second's admissions short of their place, they
/// cannot have been let in, and their place is estimated from the rate. Anyone who could be near
/// their turn, a paused sale, a waiting list or counts being rebuilt is asked of Redis, and so is
/// everyone again after <see cref="KeptFor"/>. Leaving the line forgets the shopper here; on other
/// instances a shopper who left may be told "waiting" for up to that long, which changes nothing
/// they can do. Only shoppers who poll faster than the <c>pollAfter</c> they are given ever get a
/// remembered answer: the page's own script waits at least a second, and a quarter of the estimate.
/// </summary>
internal sealed class WaitingPlaces
{
    /// <summary>How long a place is answered from memory before Redis is asked again.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(5);

    // Per sale: customer → (0-based rank in the line, when Redis said so). Cleared when it grows past
    // this many (a memory bound for a flood of one-visit shoppers; they are then asked of Redis again).
    private const int MaxPerSale = 500_000;
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, (long Rank, DateTimeOffset At)>> sales = new();

    public void Remember(Guid sale, string customer, long rank, DateTimeOffset at)
    {
        var places = sales.GetOrAdd(sale, _ => new ConcurrentDictionary<string, (long, DateTimeOffset)>(StringComparer.Ordinal));
        if (places.Count >= MaxPerSale) places.Clear();
        places[customer] = (rank, at);
    }

    public void Forget(Guid sale, string customer)
    {
        if (sales.TryGetValue(sale, out var places)) places.TryRemove(customer, out _);
    }

    /// <summary>
    /// The shopper's place now, estimated from the rate (1-based), when it is certain they are still
    /// waiting; null when Redis must be asked.
    /// </summary>
    public long? Estimate(Guid sale, string customer, int admissionPerMinute, DateTimeOffset now)
    {
        if (admissionPerMinute <= 0 || !sales.TryGetValue(sale, out var places) || !places.TryGetValue(customer, out var known)) return null;
        var age = now - known.At;
        if (age < TimeSpan.Zero || age >= KeptFor) return null;
        var perSecond = admissionPerMinute / 60.0;
        var burst = Math.Max(1, admissionPerMinute / 30.0);
        var mostLetIn = burst + perSecond * age.TotalSeconds;
        // Ahead of them: Rank shoppers. They are let in at the earliest after Rank + 1 admissions.
        if (known.Rank + 1 - mostLetIn < Math.Max(1, perSecond)) return null;
        return Math.Max(1, known.Rank + 1 - (long)Math.Floor(perSecond * age.TotalSeconds));
    }

    /// <summary>
    /// Drops the places too old to answer from (and the sales left with none): run by the admission
    /// loop, so the places of a sale that sold out or ended go within seconds.
    /// </summary>
    public void Sweep(DateTimeOffset now)
    {
        foreach (var (sale, places) in sales)
        {
            foreach (var (customer, known) in places)
                if (now - known.At >= KeptFor) places.TryRemove(customer, out _);
            if (places.IsEmpty) sales.TryRemove(sale, out _);
        }
    }

    public int Count => sales.Values.Sum(p => p.Count);
}
