using System.Globalization;
using StackExchange.Redis;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;

namespace Storefront.Cart.Storage;

/// <summary>
/// The live copy of carts in Redis. A cart is two hashes that share a hash tag, so they sit on one
/// node of a cluster: <c>cart:{id}</c> maps SKU to quantity and <c>cart:{id}:meta</c> holds the
/// version, the owner and the price each line was added at (<c>p:SKU</c>). Every change bumps the
/// version and puts the cart in the <c>cart:dirty</c> sorted set, scored by that version, for the
/// write-behind. Each operation is one Lua script, so it is one round trip and atomic.
/// </summary>
internal sealed class RedisCartStore(IConnectionMultiplexer redis)
{
    public const string DirtyKey = "cart:dirty";

    private IDatabase Db => redis.GetDatabase();

    public static RedisKey LinesKey(Guid id) => $"cart:{{{id:N}}}";

    public static RedisKey MetaKey(Guid id) => $"cart:{{{id:N}}}:meta";

    public static RedisKey LockKey(Guid id) => $"cart:{{{id:N}}}:lock";

    public static RedisKey UserKey(string userId) => $"cart:user:{userId}";

    public static RedisKey FrozenKey(Guid id) => $"cart:{{{id:N}}}:frozen";

    // Returns nil when the cart is not in Redis (never created, expired, or lost with a restart).
    private const string ReadScript = """
        local meta = redis.call('HGETALL', KEYS[2])
        if #meta == 0 then return false end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        return { redis.call('HGETALL', KEYS[1]), meta }
        """;

    // The same without renewing the TTL: for the holds job, which must not keep an abandoned cart alive.
    private const string PeekScript = """
        local meta = redis.call('HGETALL', KEYS[2])
        if #meta == 0 then return false end
        return { redis.call('HGETALL', KEYS[1]), meta }
        """;

    // ARGV: lifetime ms, then triples of sku, quantity (0 removes), price seen ("" keeps the old one).
    private const string ApplyScript = """
        for i = 2, #ARGV, 3 do
            local sku, qty, price = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
            if qty > 0 then
                redis.call('HSET', KEYS[1], sku, qty)
                if price ~= '' then redis.call('HSETNX', KEYS[2], 'p:' .. sku, price) end
            else
                redis.call('HDEL', KEYS[1], sku)
                redis.call('HDEL', KEYS[2], 'p:' .. sku)
            end
        end
        local v = redis.call('HINCRBY', KEYS[2], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        return v
        """;

    // Puts a cart read from PostgreSQL back, unless someone else already has.
    // ARGV: lifetime ms, number of line fields, line fields..., meta fields...
    private const string RestoreScript = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        local n = tonumber(ARGV[2])
        for i = 3, 2 + n, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        for i = 3 + n, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[1])
        return 1
        """;

    // Takes a cart off the dirty set only if no change newer than the one written has come in.
    private const string CleanScript = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
        return 0
        """;

    /// <summary>Null when Redis does not have the cart.</summary>
    public async Task<CartSnapshot?> ReadAsync(Guid id, TimeSpan lifetime)
    {
        var result = await Db.ScriptEvaluateAsync(ReadScript, [LinesKey(id), MetaKey(id)], [(long)lifetime.TotalMilliseconds]);
        if (result.IsNull) return null;
        var parts = (RedisResult[])result!;
        return Parse(id, (RedisResult[])parts[0]!, (RedisResult[])parts[1]!);
    }

    /// <summary>Null when Redis does not have the cart; its lifetime is left as it is.</summary>
    public async Task<CartSnapshot?> PeekAsync(Guid id)
    {
        var result = await Db.ScriptEvaluateAsync(PeekScript, [LinesKey(id), MetaKey(id)]);
        if (result.IsNull) return null;
        var parts = (RedisResult[])result!;
        return Parse(id, (RedisResult[])parts[0]!, (RedisResult[])parts[1]!);
    }

    private static CartSnapshot Parse(Guid id, RedisResult[] lineFields, RedisResult[] metaFields)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < metaFields.Length; i += 2) meta[(string)metaFields[i]!] = (string)metaFields[i + 1]!;
        var lines = new List<CartLine>(lineFields.Length / 2);
        for (var i = 0; i + 1 < lineFields.Length; i += 2)
        {
            var sku = (string)lineFields[i]!;
            if (!int.TryParse((string)lineFields[i + 1]!, NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0) continue;
            lines.Add(new CartLine(sku, quantity, meta.TryGetValue("p:" + sku, out var price) ? ParsePrice(price) : null));
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.Sku, b.Sku));
        var version = meta.TryGetValue("v", out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new CartSnapshot(id, meta.TryGetValue("u", out var user) ? user : null, lines, version);
    }

    public static string FormatPrice(Money price) =>
        price.Amount.ToString(CultureInfo.InvariantCulture) + "|" + price.Currency;

    private static Money? ParsePrice(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && decimal.TryParse(value.AsSpan(0, bar), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)
            ? new Money(amount, value[(bar + 1)..])
            : null;
    }

    /// <summary>Applies line changes and marks the cart dirty; returns the new version.</summary>
    public async Task<long> ApplyAsync(Guid id, TimeSpan lifetime, IReadOnlyList<(string Sku, int Quantity, Money? Price)> changes)
    {
        var args = new RedisValue[1 + changes.Count * 3];
        args[0] = (long)lifetime.TotalMilliseconds;
        for (var i = 0; i < changes.Count; i++)
        {
            var (sku, quantity, price) = changes[i];
            args[1 + i * 3] = sku;
            args[2 + i * 3] = quantity;
            args[3 + i * 3] = price is { } p ? FormatPrice(p) : "";
        }
        var version = (long)await Db.ScriptEvaluateAsync(ApplyScript, [LinesKey(id), MetaKey(id)], args);
        await MarkDirtyAsync(id, version);
        return version;
    }

    /// <summary>Records the owner of a cart, so the durable copy knows it.</summary>
    public Task SetOwnerAsync(Guid id, string userId) => Db.HashSetAsync(MetaKey(id), "u", userId);

    // ZADD GT: a late, older version can never lower the score and hide a newer change.
    private Task<bool> MarkDirtyAsync(Guid id, long version) =>
        Db.SortedSetAddAsync(DirtyKey, id.ToString("N"), version, SortedSetWhen.GreaterThan);

    public async Task<bool> RestoreAsync(CartSnapshot cart, TimeSpan lifetime)
    {
        var args = new List<RedisValue> { (long)lifetime.TotalMilliseconds, cart.Lines.Count * 2 };
        foreach (var line in cart.Lines) { args.Add(line.Sku); args.Add(line.Quantity); }
        args.Add("v"); args.Add(cart.Version);
        if (cart.UserId is not null) { args.Add("u"); args.Add(cart.UserId); }
        foreach (var line in cart.Lines.Where(l => l.PriceWhenAdded is not null))
        {
            args.Add("p:" + line.Sku);
            args.Add(FormatPrice(line.PriceWhenAdded!.Value));
        }
        return (long)await Db.ScriptEvaluateAsync(RestoreScript, [LinesKey(cart.Id), MetaKey(cart.Id)], [.. args]) == 1;
    }

    public async Task DeleteAsync(Guid id)
    {
        await Db.KeyDeleteAsync([LinesKey(id), MetaKey(id)]);
        await Db.SortedSetRemoveAsync(DirtyKey, id.ToString("N"));
    }

    /// <summary>The carts changed since they were last written, oldest change first.</summary>
    public async Task<IReadOnlyList<Guid>> DirtyAsync(int take)
    {
        var members = await Db.SortedSetRangeByRankAsync(DirtyKey, 0, take - 1);
        return members.Select(m => Guid.TryParseExact((string)m!, "N", out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
    }

    public Task<long> DirtyCountAsync() => Db.SortedSetLengthAsync(DirtyKey);

    public async Task MarkCleanAsync(Guid id, long writtenVersion) =>
        await Db.ScriptEvaluateAsync(CleanScript, [DirtyKey], [id.ToString("N"), writtenVersion]);

    public async Task<Guid?> UserCartAsync(string userId)
    {
        var value = await Db.StringGetAsync(UserKey(userId));
        return value.HasValue && Guid.TryParseExact((string)value!, "N", out var id) ? id : null;
    }

    public Task RememberUserCartAsync(string userId, Guid cartId, TimeSpan lifetime) =>
        Db.StringSetAsync(UserKey(userId), cartId.ToString("N"), lifetime);

    public Task ForgetUserCartAsync(string userId) => Db.KeyDeleteAsync(UserKey(userId));

    /// <summary>The mark of one add (an id from the client, for one SKU) in one cart.</summary>
    public static RedisKey AddKey(Guid id, string addId, string sku) => $"cart:{{{id:N}}}:add:{addId}:{sku}";

    /// <summary>Whether an add with this id was already applied to this cart's line of <paramref name="sku"/>.</summary>
    public Task<bool> AddSeenAsync(Guid id, string addId, string sku) => Db.KeyExistsAsync(AddKey(id, addId, sku));

    /// <summary>Marks an add with this id as applied to this cart's line of <paramref name="sku"/>, for <paramref name="lifetime"/>.</summary>
    public Task RememberAddAsync(Guid id, string addId, string sku, TimeSpan lifetime) => Db.StringSetAsync(AddKey(id, addId, sku), 1, lifetime);

    /// <summary>The checkout that froze the cart, or null when it can be changed.</summary>
    public async Task<string?> FrozenByAsync(Guid id) => (string?)await Db.StringGetAsync(FrozenKey(id));

    public Task FreezeAsync(Guid id, string checkout, TimeSpan expiry) => Db.StringSetAsync(FrozenKey(id), checkout, expiry);

    /// <summary>Lifts the freeze if <paramref name="checkout"/> still holds it.</summary>
    public Task ThawAsync(Guid id, string checkout) =>
        Db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            [FrozenKey(id)], [checkout]);

    /// <summary>
    /// A short lock per cart, so that a cart's lines and its stock holds change together even when
    /// two tabs (or a double click) change the same cart at once.
    /// </summary>
    public async Task<IAsyncDisposable?> LockAsync(Guid id, TimeSpan wait, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow + wait;
        var delay = 5;
        while (true)
        {
            if (await Db.LockTakeAsync(LockKey(id), token, TimeSpan.FromSeconds(10))) return new Lock(Db, LockKey(id), token);
            if (DateTime.UtcNow >= deadline) return null;
            await Task.Delay(delay, ct);
            delay = Math.Min(delay * 2, 50);
        }
    }

    private sealed class Lock(IDatabase db, RedisKey key, string token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await db.LockReleaseAsync(key, token);
    }
}
