using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Storefront.Recommendations.Contracts;

namespace Storefront.Recommendations.Reading;

/// <summary>
/// The lists in Redis, one key per product (<c>recommendations:also:{sku}</c>, a JSON array), for
/// instant reads; PostgreSQL keeps the durable copy. A rebuild writes every list it made and removes
/// the lists it no longer has. A product Redis does not know (Redis restarted or flushed, a product
/// never seen) is read from PostgreSQL and written back, a missing list as an empty one kept for ten
/// minutes, so a product nobody buys costs PostgreSQL one read in that time. With Redis away every
/// read goes to PostgreSQL.
/// <para>
/// Each instance also keeps the lists it read in its own memory (at most <see cref="NearCopies"/>,
/// each for <see cref="NearCopyKeptFor"/>), so a product page costs no Redis round trip and no
/// parsing. Every write of a list is announced on <c>recommendations:changed:{database}</c> and every instance drops its
/// copy when it hears it: a pin or a block shows on the next page view on every instance. The copies
/// are used only while this instance listens; when the connection drops they are all dropped, and
/// again when it comes back (announcements made meanwhile were not heard).
/// </para>
/// </summary>
internal sealed partial class ListCache : IRecommendationChanges, IDisposable
{
    public event Action<string?>? ListChanged;

    /// <summary>Where changes are announced, per logical database: stores sharing one Redis server do not hear each other.</summary>
    private readonly RedisChannel channel;
    public const int NearCopies = 20_000;
    public static readonly TimeSpan NearCopyKeptFor = TimeSpan.FromMinutes(1);
    private const string Everything = "*";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan EmptyKeptFor = TimeSpan.FromMinutes(10);
    private const int WriteBatch = 1000;

    private readonly IConnectionMultiplexer redis;
    private readonly ILogger<ListCache> logger;
    private MemoryCache near = NewNear();
    private readonly Lock subscribing = new();
    private Task<bool>? listening;

    /// <summary>Names this instance in its announcements: it forgets its own copy when it writes, and ignores its own echo.</summary>
    private readonly string origin = Guid.NewGuid().ToString("N");

    /// <summary>Bumped by every change heard: a list read before a change is not kept after it.</summary>
    private long generation;

    public ListCache(IConnectionMultiplexer redis, ILogger<ListCache> logger)
    {
        this.redis = redis;
        this.logger = logger;
        channel = RedisChannel.Literal("recommendations:changed:" + redis.GetDatabase().Database.ToString(System.Globalization.CultureInfo.InvariantCulture));
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
    }

    private static MemoryCache NewNear() => new(new MemoryCacheOptions { SizeLimit = NearCopies });

    private static RedisKey Key(string sku) => "recommendations:also:" + sku;

    /// <summary>The list this instance or Redis holds, or null when neither holds one (or Redis cannot be asked).</summary>
    public async Task<IReadOnlyList<RecommendedItem>?> GetAsync(string sku)
    {
        var useNear = await ListeningAsync();
        if (useNear && near.TryGetValue(sku, out IReadOnlyList<RecommendedItem>? copy)) return copy;
        var before = Interlocked.Read(ref generation);
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(sku));
            if (value.IsNull) return null;
            var list = JsonSerializer.Deserialize<List<RecommendedItem>>((string)value!, Json)!.AsReadOnly();
            if (useNear) KeepNear(sku, list, before);
            return list;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
            return null;
        }
    }

    /// <summary>
    /// Keeps a list a reader found missing and read from PostgreSQL, unless a writer has stored one
    /// meanwhile: the reader's copy may be older (read before a new product was placed, say).
    /// </summary>
    public async Task PutIfMissingAsync(string sku, IReadOnlyList<RecommendedItem> list)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(sku), JsonSerializer.Serialize(list, Json), list.Count == 0 ? EmptyKeptFor : null, When.NotExists);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
        }
    }

    /// <summary>Stores one list that changed (best effort: Redis away changes nothing for the shopper) and tells every instance.</summary>
    public async Task PutAsync(string sku, IReadOnlyList<RecommendedItem> list)
    {
        Forget(sku);
        try
        {
            var value = JsonSerializer.Serialize(list, Json);
            if (list.Count == 0) await redis.GetDatabase().StringSetAsync(Key(sku), value, EmptyKeptFor);
            else await redis.GetDatabase().StringSetAsync(Key(sku), value);
            await redis.GetSubscriber().PublishAsync(channel, Announcement(sku));
            ListChanged?.Invoke(sku);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
        }
    }

    /// <summary>Drops this instance's copies of every list (as when Redis was lost).</summary>
    internal void ForgetAll()
    {
        Interlocked.Increment(ref generation);
        var old = Interlocked.Exchange(ref near, NewNear());
        old.Dispose();
    }

    private void Forget(string sku)
    {
        Interlocked.Increment(ref generation);
        near.Remove(sku);
    }

    private void KeepNear(string sku, IReadOnlyList<RecommendedItem> list, long readAt)
    {
        if (Interlocked.Read(ref generation) != readAt) return;
        near.Set(sku, list, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = NearCopyKeptFor });
        // A change heard while the entry was being stored: drop it rather than keep what it replaced.
        if (Interlocked.Read(ref generation) != readAt) near.Remove(sku);
    }

    /// <summary>Whether this instance hears the announcements (subscribing on first use, and again after a failed try); copies are kept only then.</summary>
    private async ValueTask<bool> ListeningAsync()
    {
        var task = listening;
        if (task is null || (task.IsCompleted && !task.Result))
        {
            lock (subscribing)
            {
                if (ReferenceEquals(listening, task)) listening = SubscribeAsync();
                task = listening!;
            }
        }
        return await task && redis.IsConnected;
    }

    private async Task<bool> SubscribeAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(channel, (_, message) =>
            {
                var text = (string?)message ?? Everything;
                var split = text.IndexOf(':', StringComparison.Ordinal);
                if (split > 0 && text.AsSpan(0, split).SequenceEqual(origin)) return;
                var sku = text[(split + 1)..];
                if (sku == Everything) ForgetAll();
                else Forget(sku);
                ListChanged?.Invoke(sku == Everything ? null : sku);
            });
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
            return false;
        }
    }

    private string Announcement(string sku) => origin + ":" + sku;

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => ForgetAll();

    public void Dispose()
    {
        redis.ConnectionFailed -= OnConnectionChanged;
        redis.ConnectionRestored -= OnConnectionChanged;
        near.Dispose();
    }

    /// <summary>
    /// Writes a rebuild's lists, then removes those of products that no longer have one (<paramref name="gone"/>
    /// is asked once every list is written).
    /// </summary>
    public async Task ReplaceAllAsync(IAsyncEnumerable<(string Sku, IReadOnlyList<RecommendedItem> List)> lists, Func<IReadOnlyCollection<string>> gone)
    {
        var db = redis.GetDatabase();
        var pending = new List<Task>(WriteBatch);
        await foreach (var (sku, list) in lists)
        {
            pending.Add(db.StringSetAsync(Key(sku), JsonSerializer.Serialize(list, Json)));
            if (pending.Count == WriteBatch)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        foreach (var chunk in gone().Chunk(WriteBatch)) pending.Add(db.KeyDeleteAsync([.. chunk.Select(Key)]));
        await Task.WhenAll(pending);
        ForgetAll();
        await redis.GetSubscriber().PublishAsync(channel, Announcement(Everything));
        ListChanged?.Invoke(null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recommendations: Redis did not answer; lists are read from PostgreSQL")]
    private partial void LogRedisAway(Exception exception);
}
