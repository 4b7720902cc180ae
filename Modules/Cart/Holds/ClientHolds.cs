using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using StackExchange.Redis;
using Storefront.Cart.Contracts;

namespace Storefront.Cart.Holds;

/// <summary>What a client's carts may hold together; computed by the cart for each line it grows.</summary>
internal sealed record ClientLine(Guid CartId, string Sku, int Quantity, bool Limited, int SkuLimit);

internal enum ClientRefusal { None, Carts, Units, LimitedLines, Share }

/// <summary>
/// The answer to a claim. When granted, <see cref="Undo"/> puts the entry back as it was, for a hold
/// that PostgreSQL then refused. When refused for <see cref="ClientRefusal.Share"/>,
/// <see cref="Allowed"/> is how many of the SKU this cart could hold.
/// </summary>
internal sealed record ClientClaim(bool Granted, ClientRefusal Refusal, int Allowed, string? ClientKey, string Member, string Previous, string PreviousExpiry);

/// <summary>
/// Counts the live stock holds of the carts started from one client (a network address: an IPv4
/// address or an IPv6 /64), so that one client cannot spread over many carts to hold what one cart
/// may not. Kept in Redis next to the carts, per client under one hash tag
/// (<c>cart:client:{key}:…</c>): a sorted set of <c>cart|sku</c> entries scored by when their hold
/// runs out, and a hash of their quantities. Entries run out with the holds they stand for, so the
/// counts need no sweeping job and the keys expire with the last hold. Addresses are stored only as
/// a keyed hash (HMAC with a random key kept in Redis), never as they are.
/// </summary>
internal sealed class ClientHolds(IConnectionMultiplexer redis, TimeProvider clock)
{
    private static readonly RedisKey SaltKey = "cart:clients:salt";
    private static readonly TimeSpan SaltRefresh = TimeSpan.FromMinutes(10);

    private sealed record Salt(byte[] Key, DateTimeOffset ReadAt);

    private volatile Salt? salt;

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey ExpiriesKey(string client) => $"cart:client:{{{client}}}:holds";

    private static RedisKey LinesKey(string client) => $"cart:client:{{{client}}}:lines";

    /// <summary>Which client a cart's holds count against: the first one to hold with it.</summary>
    private static RedisKey CartClientKey(Guid cartId) => $"cart:{{{cartId:N}}}:client";

    // ARGV: client key ('' to only read), ttl ms. Returns the client the cart belongs to, or nil.
    private const string AttributeScript = """
        local c = redis.call('GET', KEYS[1])
        if not c then
            if ARGV[1] == '' then return false end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
        end
        if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return c
        """;

    // ARGV: now ms, expiry ms, member (cart|sku), cart, sku, quantity, limited (0/1), max carts,
    // max units, max limited lines, limit for this SKU, force (0/1), ttl ms.
    // Returns {1, previous value, previous expiry} or {0, refusal, allowed}.
    private const string ClaimScript = """
        local now = tonumber(ARGV[1])
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do redis.call('HDEL', KEYS[2], m) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local member, cart, sku = ARGV[3], ARGV[4], ARGV[5]
        local wanted, limited = tonumber(ARGV[6]), ARGV[7]
        local previous = redis.call('HGET', KEYS[2], member)
        local previousExpiry = redis.call('ZSCORE', KEYS[1], member)
        local before, wasLimited = 0, false
        if previous then
            local q, l = string.match(previous, '^(%d+)|(%d)$')
            before, wasLimited = tonumber(q), l == '1'
        end
        if wanted > before and ARGV[12] == '0' then
            local units, lines, skuUnits, carts, cartCount = 0, 0, 0, {}, 0
            local all = redis.call('HGETALL', KEYS[2])
            for i = 1, #all, 2 do
                local m = all[i]
                local q, l = string.match(all[i + 1], '^(%d+)|(%d)$')
                local c = string.sub(m, 1, 32)
                if not carts[c] then carts[c] = true; cartCount = cartCount + 1 end
                if m ~= member then
                    units = units + tonumber(q)
                    if l == '1' then lines = lines + 1 end
                    if string.sub(m, 34) == sku then skuUnits = skuUnits + tonumber(q) end
                end
            end
            if not carts[cart] and cartCount >= tonumber(ARGV[8]) then return {0, 'carts', 0} end
            if units + wanted > tonumber(ARGV[9]) then return {0, 'units', 0} end
            if limited == '1' and not wasLimited and lines >= tonumber(ARGV[10]) then return {0, 'lines', 0} end
            if skuUnits + wanted > tonumber(ARGV[11]) then return {0, 'share', math.max(0, tonumber(ARGV[11]) - skuUnits)} end
        end
        -- A line stays counted as limited once it was: shrinking or renewing it says nothing new.
        if wasLimited then limited = '1' end
        if wanted > 0 then
            redis.call('HSET', KEYS[2], member, wanted .. '|' .. limited)
            redis.call('ZADD', KEYS[1], ARGV[2], member)
            redis.call('PEXPIRE', KEYS[1], ARGV[13])
            redis.call('PEXPIRE', KEYS[2], ARGV[13])
        else
            redis.call('HDEL', KEYS[2], member)
            redis.call('ZREM', KEYS[1], member)
        end
        return {1, previous or '', previousExpiry or ''}
        """;

    // ARGV: member, previous value ('' when there was none), previous expiry.
    private const string UndoScript = """
        if ARGV[2] == '' then
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[1], ARGV[1])
        else
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// The client a cart's holds count against. A cart that has none yet is given
    /// <paramref name="address"/>'s; without an address (and none recorded) the result is null.
    /// </summary>
    public async Task<string?> ClientOfAsync(Guid cartId, IPAddress? address, int ipv6PrefixLength, TimeSpan holdDuration)
    {
        var key = address is null ? "" : await KeyOfAsync(address, ipv6PrefixLength);
        var result = await Db.ScriptEvaluateAsync(AttributeScript, [CartClientKey(cartId)], [key, Ttl(holdDuration)]);
        return result.IsNull ? null : (string?)result;
    }

    /// <summary>
    /// Sets the client's entry for a cart line to <see cref="ClientLine.Quantity"/> (0 removes it),
    /// unless growing it would pass one of the limits. With <paramref name="force"/> the entry is set
    /// whatever the limits say (a line that shrinks, or units that only move between the client's carts).
    /// </summary>
    public async Task<ClientClaim> ClaimAsync(string client, ClientLine line, ClientHoldLimits limits, TimeSpan holdDuration, bool force)
    {
        var now = clock.GetUtcNow();
        var member = line.CartId.ToString("N") + "|" + line.Sku;
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimScript, [ExpiriesKey(client), LinesKey(client)],
        [
            now.ToUnixTimeMilliseconds(), (now + holdDuration).ToUnixTimeMilliseconds(), member, line.CartId.ToString("N"), line.Sku,
            line.Quantity, line.Limited ? "1" : "0", limits.MaxCarts, limits.MaxUnits, limits.MaxLimitedLines, line.SkuLimit,
            force ? "1" : "0", Ttl(holdDuration),
        ]))!;
        if ((long)result[0] == 1) return new(true, ClientRefusal.None, line.Quantity, client, member, (string)result[1]!, (string)result[2]!);
        var refusal = (string)result[1]! switch
        {
            "carts" => ClientRefusal.Carts,
            "units" => ClientRefusal.Units,
            "lines" => ClientRefusal.LimitedLines,
            _ => ClientRefusal.Share,
        };
        return new(false, refusal, (int)(long)result[2], client, member, "", "");
    }

    /// <summary>Puts a granted claim's entry back as it was before.</summary>
    public async Task UndoAsync(ClientClaim claim)
    {
        if (!claim.Granted || claim.ClientKey is null) return;
        await Db.ScriptEvaluateAsync(UndoScript, [ExpiriesKey(claim.ClientKey), LinesKey(claim.ClientKey)],
            [claim.Member, claim.Previous, claim.PreviousExpiry]);
    }

    // Keys outlive the last entry a little, so a claim made just before they expire is never lost.
    private static long Ttl(TimeSpan holdDuration) => (long)(holdDuration + TimeSpan.FromMinutes(1)).TotalMilliseconds;

    /// <summary>
    /// The stored name of an address: an IPv4 address as it is, an IPv6 address cut to its prefix
    /// (one subscriber is usually given a whole /64, so counting single IPv6 addresses would let one
    /// client count as billions), then a keyed hash.
    /// </summary>
    private async Task<string> KeyOfAsync(IPAddress address, int ipv6PrefixLength)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            for (var bit = ipv6PrefixLength; bit < 128; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        var hash = HMACSHA256.HashData(await SaltAsync(), bytes);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>
    /// The hashing key, made once per Redis and shared by every instance; read again now and then so
    /// that all instances agree again after Redis has lost it.
    /// </summary>
    private async Task<byte[]> SaltAsync()
    {
        var now = clock.GetUtcNow();
        if (salt is { } known && now - known.ReadAt < SaltRefresh) return known.Key;
        await Db.StringSetAsync(SaltKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), when: When.NotExists);
        var stored = Convert.FromBase64String((string)(await Db.StringGetAsync(SaltKey))!);
        salt = new Salt(stored, now);
        return stored;
    }
}
