using System.Globalization;
using StackExchange.Redis;

namespace Storefront.FlashSale.Selling;

/// <summary>What a claim of one sale unit came to.</summary>
internal enum ClaimOutcome
{
    Claimed,
    /// <summary>The customer already holds as many units as the sale allows one customer.</summary>
    OverLimit,
    SoldOut,
    /// <summary>The sale's counters are not in Redis (never set up, or Redis lost them): rebuild them from PostgreSQL first.</summary>
    NotReady,
    Ended,
    /// <summary>The customer has not been let in (or has already bought with this admission).</summary>
    NotAdmitted,
    /// <summary>The customer's purchase window ran out.</summary>
    WindowExpired,
}

internal sealed record ClaimResult(ClaimOutcome Outcome, long Remaining = 0, DateTimeOffset? WindowEndsAt = null)
{
    /// <summary>The sale's counts just after a successful claim.</summary>
    public Counts? Counts { get; init; }
}

internal enum JoinCode { Joined, AlreadyInLine, OverLimit, SoldOut, NotReady, Ended }

internal sealed record JoinAnswer(JoinCode Code, long Ticket = 0);

/// <summary>A customer's standing in Redis: 'w' waiting, 'a' admitted, 'b' bought, 't' timed out, 'g' gave up.</summary>
internal sealed record Standing(char State, long Rank, DateTimeOffset? WindowEndsAt, Counts Counts);

/// <summary>A sale's live numbers: units not claimed, purchase windows open, shoppers waiting.</summary>
internal readonly record struct Counts(long Left, long Open, long Waiting);

/// <summary>The settings the scripts need, copied into Redis when the counters are (re)built.</summary>
internal sealed record RoomSettings(int LimitPerCustomer, int AdmissionPerMinute, TimeSpan PurchaseWindow, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Paused, bool Ended);

/// <summary>A unit held by a purchase, as PostgreSQL knows it: what a rebuild puts back.</summary>
internal sealed record HeldUnit(Guid PurchaseId, string Customer, bool OrderPending);

/// <summary>Every number of a sale kept in Redis, for the dashboard and the reconciliation.</summary>
internal sealed record RoomStats(Counts Counts, long Pending, IReadOnlyDictionary<string, long> Totals, long AdmittedLastMinute, long ClaimedNet);

/// <summary>
/// A running sale's waiting room and units, in Redis. Every step that reads and changes the room is
/// one Lua script, so simultaneous shoppers, tabs and instances can never interleave inside a step:
/// the claim checks the admission and its window, the limit per customer and the stock and takes the
/// unit at once. All keys of a sale share the hash tag <c>{sale:id}</c>, so the scripts also run on
/// a Redis cluster. PostgreSQL stays the final guard: orders commit against the quota held there.
/// </summary>
/// <remarks>
/// Keys: <c>left</c> (units not claimed), <c>claims</c> (units per customer), <c>queue</c> (waiting
/// customers by ticket), <c>open</c> (admitted customers by the end of their window, in ms),
/// <c>who</c> (customer → "ticket|state"), <c>pending</c> (claim → "customer|window end|claimed at"
/// until its order is made or the unit given back), <c>stats</c> (settings, flags and totals) and
/// <c>admits</c> (admissions of the last minute). Tickets drawn before the start are random numbers
/// below 2^50, so the pre-queue is shuffled whatever the arrival order; from the start, tickets are
/// 2^51 plus a sequence, behind the pre-queue in arrival order.
/// </remarks>
internal sealed class SaleRoomStore(IConnectionMultiplexer redis)
{
    public const long FirstTicketAfterStart = 1L << 51;
    public const long PreQueueTickets = 1L << 50;

    // Shared by every script: the keys in one order, and the expiry of purchase windows that ran out.
    private const string Prelude = """
        local L, C, Q, O, W, P, S, A = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
        local function ticket(v) return string.match(v, '^([^|]+)|') end
        local function expire(now)
          local gone = redis.call('ZRANGEBYSCORE', O, '-inf', now)
          if #gone == 0 then return 0 end
          redis.call('ZREMRANGEBYSCORE', O, '-inf', now)
          for _, c in ipairs(gone) do
            local v = redis.call('HGET', W, c)
            if v then redis.call('HSET', W, c, ticket(v) .. '|t') end
          end
          redis.call('HINCRBY', S, 'timed_out', #gone)
          return #gone
        end
        local function counts()
          return tonumber(redis.call('GET', L) or '0'), redis.call('ZCARD', O), redis.call('ZCARD', Q)
        end

        """;

    // ARGV: customer, now (ms), a random ticket for the pre-queue.
    private const string JoinScript = Prelude + """
        if redis.call('EXISTS', L) == 0 then return {-3} end
        local cfg = redis.call('HMGET', S, 'ended', 'cfg_limit', 'cfg_starts')
        if cfg[1] == '1' then return {-4} end
        local now = tonumber(ARGV[2])
        expire(now)
        local v = redis.call('HGET', W, ARGV[1])
        if v then
          local st = string.sub(v, -1)
          if st == 'w' or st == 'a' then return {1, ticket(v)} end
        end
        if tonumber(redis.call('HGET', C, ARGV[1]) or '0') >= tonumber(cfg[2]) then return {-1} end
        local left, open = counts()
        if left <= 0 and open == 0 then return {-2} end
        local t
        if now < tonumber(cfg[3]) then t = ARGV[3]
        else t = string.format('%.0f', 2251799813685248 + redis.call('HINCRBY', S, 'seq', 1)) end
        redis.call('ZADD', Q, t, ARGV[1])
        redis.call('HSET', W, ARGV[1], t .. '|w')
        return {0, t}
        """;

    // ARGV: customer, the pass's ticket, now, whether to put a shopper Redis forgot back at the pass's ticket.
    private const string StatusScript = Prelude + """
        if redis.call('EXISTS', L) == 0 then return {-3} end
        local now = tonumber(ARGV[3])
        expire(now)
        local v = redis.call('HGET', W, ARGV[1])
        if not v then
          if ARGV[4] ~= '1' or redis.call('HGET', S, 'ended') == '1' then
            local left, open, waiting = counts()
            return {-5, '', -1, 0, left, open, waiting}
          end
          redis.call('ZADD', Q, 'NX', ARGV[2], ARGV[1])
          v = ARGV[2] .. '|w'
          redis.call('HSET', W, ARGV[1], v)
        end
        local st = string.sub(v, -1)
        local rank, we = -1, 0
        if st == 'w' then
          rank = redis.call('ZRANK', Q, ARGV[1])
          if not rank then
            redis.call('ZADD', Q, ticket(v), ARGV[1])
            rank = redis.call('ZRANK', Q, ARGV[1])
          end
        elseif st == 'a' then
          we = redis.call('ZSCORE', O, ARGV[1]) or 0
        end
        local left, open, waiting = counts()
        return {0, st, rank, tostring(we), left, open, waiting}
        """;

    // ARGV: now. Expires windows, then lets in as many as the rate allows, never more than the units nobody holds.
    private const string AdmitScript = Prelude + """
        if redis.call('EXISTS', L) == 0 then return {-3} end
        local now = tonumber(ARGV[1])
        expire(now)
        local c = redis.call('HMGET', S, 'paused', 'ended', 'cfg_rate', 'cfg_starts', 'cfg_ends', 'last', 'carry', 'cfg_window')
        local left, open, waiting = counts()
        if c[2] ~= '1' and now >= tonumber(c[5]) then redis.call('HSET', S, 'ended', '1') c[2] = '1' end
        if c[1] == '1' or c[2] == '1' or now < tonumber(c[4]) then
          redis.call('HSET', S, 'last', now)
          return {0, left, open, waiting}
        end
        local rate = tonumber(c[3])
        -- Time before the start (or while paused, when 'last' keeps moving) earns no admissions.
        local since = math.max(tonumber(c[6] or now), tonumber(c[4]))
        local tokens = tonumber(c[7] or '0') + math.max(0, now - since) * rate / 60000
        local cap = math.max(1, rate / 30)
        if tokens > cap then tokens = cap end
        local n = math.min(math.floor(tokens), left - open, waiting)
        if n > 0 then
          local popped = redis.call('ZPOPMIN', Q, n)
          local we = now + tonumber(c[8])
          for i = 1, #popped, 2 do
            redis.call('ZADD', O, we, popped[i])
            redis.call('HSET', W, popped[i], popped[i + 1] .. '|a')
          end
          redis.call('HINCRBY', S, 'admitted', n)
          redis.call('ZADD', A, now, now .. ':' .. n)
          tokens = tokens - n
        else
          n = 0
        end
        redis.call('ZREMRANGEBYSCORE', A, '-inf', now - 60000)
        redis.call('HSET', S, 'last', now, 'carry', tostring(tokens))
        return {n, left, open + n, waiting - n}
        """;

    // ARGV: customer, now, claim id.
    private const string ClaimScript = Prelude + """
        if redis.call('EXISTS', L) == 0 then return {-3, 0, 0} end
        local c = redis.call('HMGET', S, 'ended', 'cfg_limit', 'rebuilding')
        if c[1] == '1' then return {-4, 0, 0} end
        local now = tonumber(ARGV[2])
        local mine = tonumber(redis.call('HGET', C, ARGV[1]) or '0')
        local we = redis.call('ZSCORE', O, ARGV[1])
        if not we then
          if mine >= tonumber(c[2]) then redis.call('HINCRBY', S, 'refused_over_limit', 1) return {-1, 0, 0} end
          redis.call('HINCRBY', S, 'refused_not_admitted', 1)
          return {-5, 0, 0}
        end
        if tonumber(we) <= now then
          expire(now)
          redis.call('HINCRBY', S, 'refused_expired', 1)
          return {-6, 0, 0}
        end
        if mine >= tonumber(c[2]) then redis.call('HINCRBY', S, 'refused_over_limit', 1) return {-1, 0, 0} end
        local left = tonumber(redis.call('GET', L))
        if left <= 0 then redis.call('HINCRBY', S, 'refused_sold_out', 1) return {-2, 0, 0} end
        redis.call('DECR', L)
        redis.call('HINCRBY', C, ARGV[1], 1)
        redis.call('ZREM', O, ARGV[1])
        redis.call('HSET', W, ARGV[1], ticket(redis.call('HGET', W, ARGV[1]) or '0|') .. '|b')
        redis.call('HSET', P, ARGV[3], ARGV[1] .. '|' .. we .. '|' .. now)
        redis.call('HINCRBY', S, 'claimed', 1)
        return {0, left - 1, we, redis.call('ZCARD', O), redis.call('ZCARD', Q)}
        """;

    // ARGV: claim id, now, '1' to reopen the customer's window when it has time left, reason ('declined' or 'failed').
    private const string ReleaseScript = Prelude + """
        local p = redis.call('HGET', P, ARGV[1])
        if not p then return {0, 0} end
        local customer, we = string.match(p, '^([^|]*)|([^|]*)|')
        redis.call('HDEL', P, ARGV[1])
        local left = redis.call('INCR', L)
        local mine = tonumber(redis.call('HGET', C, customer) or '0')
        if mine <= 1 then redis.call('HDEL', C, customer) else redis.call('HINCRBY', C, customer, -1) end
        redis.call('HINCRBY', S, 'released', 1)
        redis.call('HINCRBY', S, ARGV[4], 1)
        local v = redis.call('HGET', W, customer) or '0|'
        if ARGV[3] == '1' and tonumber(we) > tonumber(ARGV[2]) and redis.call('HGET', S, 'ended') ~= '1' then
          redis.call('ZADD', O, we, customer)
          redis.call('HSET', W, customer, ticket(v) .. '|a')
        else
          redis.call('HSET', W, customer, ticket(v) .. '|t')
        end
        return {1, left}
        """;

    // ARGV: claim id. The claim's order is made: the unit is sold for good.
    private const string FinalizeScript = Prelude + """
        if redis.call('HDEL', P, ARGV[1]) == 1 then redis.call('HINCRBY', S, 'ordered', 1) return 1 end
        return 0
        """;

    // ARGV: customer, now. Leaves the line, or gives up an open window.
    private const string LeaveScript = Prelude + """
        local v = redis.call('HGET', W, ARGV[1])
        if not v then return 0 end
        local st = string.sub(v, -1)
        if st == 'w' then redis.call('ZREM', Q, ARGV[1])
        elseif st == 'a' then redis.call('ZREM', O, ARGV[1])
        else return 0 end
        redis.call('HSET', W, ARGV[1], ticket(v) .. '|g')
        redis.call('HINCRBY', S, 'gave_up', 1)
        return 1
        """;

    // ARGV: units left, limit, rate, window ms, starts ms, ends ms, paused, ended, now, then (claim, customer, pending) triples.
    // Sets the counters up from PostgreSQL's account, only when they are missing.
    private const string BuildScript = Prelude + """
        if redis.call('EXISTS', L) == 1 then return 0 end
        redis.call('DEL', C, Q, O, W, P, S, A)
        redis.call('SET', L, ARGV[1])
        redis.call('HSET', S, 'cfg_limit', ARGV[2], 'cfg_rate', ARGV[3], 'cfg_window', ARGV[4], 'cfg_starts', ARGV[5],
          'cfg_ends', ARGV[6], 'paused', ARGV[7], 'ended', ARGV[8], 'last', ARGV[9], 'carry', '0', 'built_at', ARGV[9])
        for i = 10, #ARGV, 3 do
          redis.call('HINCRBY', C, ARGV[i + 1], 1)
          redis.call('HSET', W, ARGV[i + 1], '0|b')
          if ARGV[i + 2] == '1' then redis.call('HSET', P, ARGV[i], ARGV[i + 1] .. '|0|' .. ARGV[9]) end
        end
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey[] Keys(Guid sale)
    {
        var tag = $"{{sale:{sale:N}}}:";
        return [tag + "left", tag + "claims", tag + "queue", tag + "open", tag + "who", tag + "pending", tag + "stats", tag + "admits"];
    }

    private async Task<RedisResult[]> RunAsync(string script, Guid sale, params RedisValue[] args) =>
        (RedisResult[])(await Db.ScriptEvaluateAsync(script, Keys(sale), args))!;

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    // Redis may write a score in exponent form; tickets are whole numbers below 2^53, exact as doubles.
    private static long Ticket(RedisResult value) => (long)double.Parse((string)value!, CultureInfo.InvariantCulture);

    private static Counts CountsAt(RedisResult[] r, int at) => new((long)r[at], (long)r[at + 1], (long)r[at + 2]);

    /// <summary>Sets the counters up (units left, and the units PostgreSQL says are held), unless they are there.</summary>
    public async Task<bool> BuildAsync(Guid sale, long left, RoomSettings settings, IReadOnlyList<HeldUnit> held, DateTimeOffset now)
    {
        var args = new List<RedisValue>
        {
            left, settings.LimitPerCustomer, settings.AdmissionPerMinute, (long)settings.PurchaseWindow.TotalMilliseconds,
            Ms(settings.StartsAt), Ms(settings.EndsAt), settings.Paused ? "1" : "0", settings.Ended ? "1" : "0", Ms(now),
        };
        foreach (var unit in held) args.AddRange([unit.PurchaseId.ToString("N"), unit.Customer, unit.OrderPending ? "1" : "0"]);
        return (int)await Db.ScriptEvaluateAsync(BuildScript, Keys(sale), [.. args]) == 1;
    }

    /// <summary>Copies a settings change (pause, resume, end) into the running counters, if they exist.</summary>
    public async Task SetFlagsAsync(Guid sale, bool paused, bool ended)
    {
        var keys = Keys(sale);
        if (!await Db.KeyExistsAsync(keys[0])) return;
        await Db.HashSetAsync(keys[6], [new("paused", paused ? "1" : "0"), new("ended", ended ? "1" : "0")]);
    }

    public async Task<JoinAnswer> JoinAsync(Guid sale, string customer, DateTimeOffset now, long preQueueTicket)
    {
        var r = await RunAsync(JoinScript, sale, customer, Ms(now), preQueueTicket);
        return (int)r[0] switch
        {
            0 => new(JoinCode.Joined, Ticket(r[1])),
            1 => new(JoinCode.AlreadyInLine, Ticket(r[1])),
            -1 => new(JoinCode.OverLimit),
            -2 => new(JoinCode.SoldOut),
            -4 => new(JoinCode.Ended),
            _ => new(JoinCode.NotReady),
        };
    }

    /// <summary>The customer's standing, or null when the counters are missing. With <paramref name="restore"/>, a customer Redis forgot is put back at the pass's ticket.</summary>
    public async Task<(bool Ready, Standing? Standing, Counts Counts)> StandingAsync(Guid sale, string customer, long ticket, DateTimeOffset now, bool restore)
    {
        var r = await RunAsync(StatusScript, sale, customer, ticket, Ms(now), restore ? "1" : "0");
        if ((int)r[0] == -3) return (false, null, default);
        var counts = CountsAt(r, 4);
        if ((int)r[0] == -5) return (true, null, counts);
        var state = ((string)r[1]!)[0];
        var windowEnd = double.Parse((string)r[3]!, CultureInfo.InvariantCulture);
        return (true, new Standing(state, (long)r[2], windowEnd > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)windowEnd) : null, counts), counts);
    }

    /// <summary>One admission step: expired windows closed, then shoppers let in at the rate. Null when the counters are missing.</summary>
    public async Task<(long Admitted, Counts Counts)?> AdmitAsync(Guid sale, DateTimeOffset now)
    {
        var r = await RunAsync(AdmitScript, sale, Ms(now));
        return (int)r[0] == -3 ? null : ((long)r[0], CountsAt(r, 1));
    }

    public async Task<ClaimResult> ClaimAsync(Guid sale, string customer, Guid claim, DateTimeOffset now)
    {
        var r = await RunAsync(ClaimScript, sale, customer, Ms(now), claim.ToString("N"));
        return (int)r[0] switch
        {
            0 => new(ClaimOutcome.Claimed, (long)r[1], DateTimeOffset.FromUnixTimeMilliseconds((long)(double)r[2])) { Counts = new Counts((long)r[1], (long)r[3], (long)r[4]) },
            -1 => new(ClaimOutcome.OverLimit),
            -2 => new(ClaimOutcome.SoldOut),
            -4 => new(ClaimOutcome.Ended),
            -5 => new(ClaimOutcome.NotAdmitted),
            -6 => new(ClaimOutcome.WindowExpired),
            _ => new(ClaimOutcome.NotReady),
        };
    }

    /// <summary>Gives a claim's unit back to the sale (once); with <paramref name="reopen"/> the customer may buy again while their window lasts.</summary>
    public async Task<bool> ReleaseAsync(Guid sale, Guid claim, DateTimeOffset now, bool reopen, string reason)
    {
        var r = await RunAsync(ReleaseScript, sale, claim.ToString("N"), Ms(now), reopen ? "1" : "0", reason);
        return (int)r[0] == 1;
    }

    /// <summary>The claim's order is made: the unit is sold.</summary>
    public async Task<bool> FinalizeAsync(Guid sale, Guid claim) =>
        (int)await Db.ScriptEvaluateAsync(FinalizeScript, Keys(sale), [claim.ToString("N")]) == 1;

    public async Task<bool> LeaveAsync(Guid sale, string customer, DateTimeOffset now) =>
        (int)await Db.ScriptEvaluateAsync(LeaveScript, Keys(sale), [customer, Ms(now)]) == 1;

    /// <summary>Claims whose order is not made yet, with when they were claimed.</summary>
    public async Task<IReadOnlyList<(Guid Claim, string Customer, DateTimeOffset ClaimedAt)>> PendingAsync(Guid sale)
    {
        var entries = await Db.HashGetAllAsync(Keys(sale)[5]);
        var pending = new List<(Guid, string, DateTimeOffset)>(entries.Length);
        foreach (var entry in entries)
        {
            var parts = ((string)entry.Value!).Split('|');
            if (parts.Length == 3 && Guid.TryParseExact((string)entry.Name!, "N", out var claim)
                && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at))
                pending.Add((claim, parts[0], DateTimeOffset.FromUnixTimeMilliseconds(at)));
        }
        return pending;
    }

    /// <summary>Units not yet claimed, or null when the counters are not in Redis.</summary>
    public async Task<long?> LeftAsync(Guid sale) => (long?)await Db.StringGetAsync(Keys(sale)[0]);

    /// <summary>Everything the dashboard shows from Redis, or null when the counters are missing.</summary>
    public async Task<RoomStats?> StatsAsync(Guid sale, DateTimeOffset now)
    {
        var keys = Keys(sale);
        var batch = Db.CreateBatch();
        var left = batch.StringGetAsync(keys[0]);
        var open = batch.SortedSetLengthAsync(keys[3]);
        var waiting = batch.SortedSetLengthAsync(keys[2]);
        var pending = batch.HashLengthAsync(keys[5]);
        var stats = batch.HashGetAllAsync(keys[6]);
        var admits = batch.SortedSetRangeByScoreAsync(keys[7], Ms(now) - 60_000, double.PositiveInfinity);
        var claims = batch.HashValuesAsync(keys[1]);
        batch.Execute();
        if (await left is not { HasValue: true } units) return null;
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in await stats)
            if (long.TryParse((string)entry.Value!, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) totals[(string)entry.Name!] = value;
        var lastMinute = (await admits).Sum(a => long.Parse(((string)a!).Split(':')[1], CultureInfo.InvariantCulture));
        var claimedNet = (await claims).Sum(c => (long)c);
        return new RoomStats(new Counts((long)units, await open, await waiting), await pending, totals, lastMinute, claimedNet);
    }

    /// <summary>Counts a refusal the room itself did not see (a forged or expired pass), for the dashboard.</summary>
    public Task CountRefusalAsync(Guid sale, string reason) =>
        Db.HashIncrementAsync(Keys(sale)[6], "refused_" + reason, 1, CommandFlags.FireAndForget);

    /// <summary>Removes a sale's counters (tests, and a merchant deleting a sale).</summary>
    public Task ForgetAsync(Guid sale) => Db.KeyDeleteAsync([.. Keys(sale), OrderingKey(sale)]);

    // Set while a sale's order-making job is queued and has not started: purchases in the meantime
    // need no job of their own. It lapses by itself, so a job lost before it started is queued again.
    private static RedisKey OrderingKey(Guid sale) => $"{{sale:{sale:N}}}:ordering";
    private static readonly TimeSpan OrderingAskLasts = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Asks for the sale's order-making job. True when the caller is to queue it: no job was asked for
    /// since the last one started.
    /// </summary>
    public Task<bool> AskForOrdersAsync(Guid sale) => Db.StringSetAsync(OrderingKey(sale), "1", OrderingAskLasts, When.NotExists);

    /// <summary>The order-making job has started: purchases from now on ask for another.</summary>
    public Task OrdersStartedAsync(Guid sale) => Db.KeyDeleteAsync(OrderingKey(sale));

    /// <summary>Whether the counters exist.</summary>
    public Task<bool> ReadyAsync(Guid sale) => Db.KeyExistsAsync(Keys(sale)[0]);
}
