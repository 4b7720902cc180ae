using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Selling;

/// <summary>A sale's settings as the room needs them, read from PostgreSQL.</summary>
internal sealed record SaleInfo(
    Guid Id, string Slug, string Sku, int Units, Money Price, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    int LimitPerCustomer, int AdmissionPerMinute, TimeSpan PurchaseWindow, bool GuestsAllowed, SaleStatus Status,
    bool Paused, int QuotaHeld, int Sold)
{
    public bool IsOver(DateTimeOffset now) => Status == SaleStatus.Ended || now >= EndsAt;

    public RoomSettings Settings(DateTimeOffset now) =>
        new(LimitPerCustomer, AdmissionPerMinute, PurchaseWindow, StartsAt, EndsAt, Paused, IsOver(now));

    public static SaleInfo Of(Sale s) => new(s.Id, s.Slug, s.Sku, s.Units, new Money(s.Price, s.Currency), s.StartsAt, s.EndsAt,
        s.LimitPerCustomer, s.AdmissionPerMinute, s.PurchaseWindow, s.GuestsAllowed, s.Status, s.Paused, s.QuotaHeld, s.Sold);
}

/// <summary>
/// One sale as this instance knows it: its settings (read again about once a second), its product,
/// and its live counts, which the admission loop, Redis's announcements and every script's answer keep
/// fresh. The sold-out flag the pages answer from without touching Redis is <see cref="Phase"/>.
/// </summary>
internal sealed class LiveSale(SaleInfo info, ProductSummary? product, DateTimeOffset loadedAt, LiveCounts live)
{
    public SaleInfo Info { get; } = info;
    public ProductSummary? Product { get; } = product;
    public DateTimeOffset LoadedAt { get; } = loadedAt;

    /// <summary>Redis lost the counters and this instance is rebuilding them (or waiting for another's rebuild).</summary>
    public bool Rebuilding
    {
        get => live.Rebuilding;
        set => live.Rebuilding = value;
    }

    public Counts Counts => live.Known ? live.Counts : new Counts(Info.QuotaHeld - Info.Sold, 0, 0);

    public bool CountsKnown => live.Known;

    /// <summary>Counts from a script's answer: the counters exist, so the sale is not rebuilding (any more).</summary>
    public void Update(Counts now) => live.Update(now);

    public void Claimed(Counts seen) => live.Claimed(seen);

    public SalePhase Phase(DateTimeOffset now)
    {
        if (Info.IsOver(now)) return SalePhase.Ended;
        if (now < Info.StartsAt) return SalePhase.Upcoming;
        if (Rebuilding) return SalePhase.Rebuilding;
        if (CountsKnown && Counts is { Left: <= 0, Open: 0 }) return SalePhase.SoldOut;
        return Info.Paused ? SalePhase.Paused : SalePhase.Live;
    }
}

/// <summary>
/// A sale's live counts on this instance, shared by every read of its settings, so a reload of the
/// settings never loses a count a script has just reported.
/// </summary>
internal sealed class LiveCounts
{
    private readonly Lock gate = new();
    private Counts counts;
    private int known;
    private volatile bool rebuilding;

    public bool Known => Volatile.Read(ref known) == 1;

    public Counts Counts
    {
        get
        {
            lock (gate) return counts;
        }
    }

    public bool Rebuilding
    {
        get => rebuilding;
        set => rebuilding = value;
    }

    public void Update(Counts now)
    {
        lock (gate) counts = now;
        Volatile.Write(ref known, 1);
        rebuilding = false;
    }

    /// <summary>
    /// The counts a claim saw. Claims only ever take units, and answers of parallel claims arrive in
    /// any order: an earlier claim's answer landing after the last one's must not undo "sold out".
    /// </summary>
    public void Claimed(Counts seen)
    {
        lock (gate) counts = Known ? seen with { Left = Math.Min(counts.Left, seen.Left), Open = Math.Min(counts.Open, seen.Open) } : seen;
        Volatile.Write(ref known, 1);
    }
}

/// <summary>
/// The sales this instance serves, from memory: a flood of page loads and status polls reads
/// PostgreSQL about once a second per sale, however many shoppers there are. Unknown addresses are
/// remembered for as long (a bounded number of them), so made-up slugs cannot reach the database either.
/// </summary>
internal sealed class SaleDirectory(IServiceScopeFactory scopes, TimeProvider clock, IOptions<FlashSaleOptions> options)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, Entry> bySlug = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, LiveSale> byId = new();
    private readonly ConcurrentDictionary<Guid, LiveCounts> counts = new();

    private sealed class Entry(Task<LiveSale?> load, DateTimeOffset at)
    {
        public Task<LiveSale?> Load { get; } = load;
        public DateTimeOffset At { get; } = at;
        // Carried over from the entry this one replaces, so a reload never forgets live counts.
        public LiveSale? Previous { get; init; }
    }

    public async ValueTask<LiveSale?> FindAsync(string? slug, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(slug) || slug.Length > 100) return null;
        var now = clock.GetUtcNow();
        if (bySlug.TryGetValue(slug, out var entry) && now - entry.At < options.Value.ViewRefresh)
            return entry.Load.IsCompletedSuccessfully ? entry.Load.Result : await entry.Load.WaitAsync(ct);
        if (bySlug.Count > MaxRemembered) bySlug.Clear();
        var previous = entry?.Load is { IsCompletedSuccessfully: true } done ? done.Result : null;
        var fresh = new Entry(LoadAsync(slug, previous), now) { Previous = previous };
        // One reload per slug at a time: whoever loses the swap uses the winner's load.
        var current = entry is null ? bySlug.GetOrAdd(slug, fresh) : (bySlug.TryUpdate(slug, fresh, entry) ? fresh : bySlug.GetValueOrDefault(slug) ?? fresh);
        try
        {
            return await current.Load.WaitAsync(ct);
        }
        catch (Exception) when (previous is not null && !ct.IsCancellationRequested)
        {
            // PostgreSQL is away: keep serving what we knew.
            return previous;
        }
    }

    public async ValueTask<LiveSale?> FindAsync(Guid id, CancellationToken ct)
    {
        if (byId.TryGetValue(id, out var known)) return await FindAsync(known.Info.Slug, ct);
        using var scope = scopes.CreateScope();
        var slug = await scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>().Sales.AsNoTracking()
            .Where(s => s.Id == id).Select(s => s.Slug).FirstOrDefaultAsync(ct);
        return slug is null ? null : await FindAsync(slug, ct);
    }

    /// <summary>The sale as this instance last knew it, without reading anything.</summary>
    public LiveSale? Known(Guid id) => byId.GetValueOrDefault(id);

    /// <summary>Forgets what is cached about a sale (after the merchant changed it), so the next look reads it again.</summary>
    public void Forget(string slug) => bySlug.TryRemove(slug, out _);

    private async Task<LiveSale?> LoadAsync(string slug, LiveSale? previous)
    {
        using var scope = scopes.CreateScope();
        var sale = await scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>().Sales.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Slug == slug && s.Status != SaleStatus.Draft);
        if (sale is null) return null;
        var product = previous?.Info.Sku == sale.Sku && previous.Product is not null
            ? previous.Product
            : (await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductsBySkuAsync([sale.Sku], CancellationToken.None)).GetValueOrDefault(sale.Sku);
        var live = new LiveSale(SaleInfo.Of(sale), product, clock.GetUtcNow(), counts.GetOrAdd(sale.Id, _ => new LiveCounts()));
        byId[live.Info.Id] = live;
        return live;
    }

    /// <summary>The armed sales whose waiting room is open or whose end is recent, for the admission loop.</summary>
    public async Task<IReadOnlyList<LiveSale>> RunningAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (horizon, recent) = (now + options.Value.PreQueueOpensBefore, now.AddMinutes(-10));
        List<string> slugs;
        using (var scope = scopes.CreateScope())
            slugs = await scope.ServiceProvider.GetRequiredService<FlashSaleDbContext>().Sales.AsNoTracking()
                .Where(s => s.Status != SaleStatus.Draft && s.StartsAt <= horizon && s.EndsAt > recent)
                .OrderBy(s => s.StartsAt).Select(s => s.Slug).Take(100).ToListAsync(ct);
        var running = new List<LiveSale>(slugs.Count);
        foreach (var slug in slugs)
            if (await FindAsync(slug, ct) is { } sale) running.Add(sale);
        return running;
    }
}
