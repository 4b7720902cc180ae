using StackExchange.Redis;

namespace Storefront.FlashSale.Selling;

/// <summary>What a claim of one sale unit came to.</summary>
public enum ClaimOutcome
{
    Claimed,

    /// <summary>This customer already holds as many units as the sale allows one customer.</summary>
    OverLimit,

    SoldOut,

    /// <summary>The sale's counters are not in Redis (never set up, or Redis lost them): rebuild them from PostgreSQL first.</summary>
    NotReady,
}

public sealed record ClaimResult(ClaimOutcome Outcome, long Remaining);

/// <summary>
/// A running sale's units and each customer's claims, in Redis, taken by one Lua script: the check of
/// the customer's limit, the check of the stock and the taking of the unit happen as one step, so no
/// number of simultaneous shoppers, tabs or processes can take more units than there are or more than
/// a customer's limit. Both keys of a sale share a hash tag (<c>{sale:id}</c>) so the script runs on
/// one node of a cluster. PostgreSQL stays the final guard: orders commit against the quota held there.
/// </summary>
public sealed class SaleCounters(IConnectionMultiplexer redis)
{
    // KEYS: units left, claims per customer. ARGV: customer, limit.
    private const string ClaimScript = """
        local left = redis.call('GET', KEYS[1])
        if not left then return {-3, 0} end
        left = tonumber(left)
        local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        if mine >= tonumber(ARGV[2]) then return {-1, left} end
        if left <= 0 then return {-2, 0} end
        redis.call('DECR', KEYS[1])
        redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        return {0, left - 1}
        """;

    // KEYS: units left, claims per customer. ARGV: customer. Gives one of the customer's units back.
    private const string ReleaseScript = """
        local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        if mine <= 0 then return 0 end
        if mine == 1 then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HINCRBY', KEYS[2], ARGV[1], -1) end
        redis.call('INCR', KEYS[1])
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey LeftKey(Guid sale) => $"{{sale:{sale:N}}}:left";

    private static RedisKey ClaimsKey(Guid sale) => $"{{sale:{sale:N}}}:claims";

    /// <summary>Sets up a sale's counters with its units, unless they are there already.</summary>
    public Task<bool> StartAsync(Guid sale, int units) => Db.StringSetAsync(LeftKey(sale), units, when: When.NotExists);

    /// <summary>Takes one unit for the customer, within the limit per customer, or says why not.</summary>
    public async Task<ClaimResult> ClaimAsync(Guid sale, string customer, int limitPerCustomer)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimScript, [LeftKey(sale), ClaimsKey(sale)], [customer, limitPerCustomer]))!;
        var outcome = (int)result[0] switch
        {
            0 => ClaimOutcome.Claimed,
            -1 => ClaimOutcome.OverLimit,
            -2 => ClaimOutcome.SoldOut,
            _ => ClaimOutcome.NotReady,
        };
        return new ClaimResult(outcome, (long)result[1]);
    }

    /// <summary>Gives one of the customer's units back to the sale (a declined card, a window that ran out).</summary>
    public async Task<bool> ReleaseAsync(Guid sale, string customer) =>
        (int)await Db.ScriptEvaluateAsync(ReleaseScript, [LeftKey(sale), ClaimsKey(sale)], [customer]) == 1;

    /// <summary>Units not yet claimed, or null when the counters are not in Redis.</summary>
    public async Task<long?> LeftAsync(Guid sale) => (long?)await Db.StringGetAsync(LeftKey(sale));
}
