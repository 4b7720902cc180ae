using System.Text.Json;
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
/// </summary>
internal sealed partial class ListCache(IConnectionMultiplexer redis, ILogger<ListCache> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan EmptyKeptFor = TimeSpan.FromMinutes(10);
    private const int WriteBatch = 1000;

    private static RedisKey Key(string sku) => "recommendations:also:" + sku;

    /// <summary>The list Redis holds, or null when it holds none (or cannot be asked).</summary>
    public async Task<IReadOnlyList<RecommendedItem>?> GetAsync(string sku)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(sku));
            return value.IsNull ? null : JsonSerializer.Deserialize<List<RecommendedItem>>((string)value!, Json);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
            return null;
        }
    }

    /// <summary>Keeps one list read from PostgreSQL (best effort: Redis away changes nothing for the shopper).</summary>
    public async Task PutAsync(string sku, IReadOnlyList<RecommendedItem> list)
    {
        try
        {
            var value = JsonSerializer.Serialize(list, Json);
            if (list.Count == 0) await redis.GetDatabase().StringSetAsync(Key(sku), value, EmptyKeptFor);
            else await redis.GetDatabase().StringSetAsync(Key(sku), value);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex);
        }
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
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recommendations: Redis did not answer; lists are read from PostgreSQL")]
    private partial void LogRedisAway(Exception exception);
}
