using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Orders;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Selling;

/// <summary>
/// The waiting room and the purchase. Whatever can be answered from memory is: the sale page, the
/// status of everyone once a sale is sold out, over or not started, and of shoppers too far back in a
/// live sale's line to have been let in since Redis last placed them (<see cref="WaitingPlaces"/>).
/// Everything else is one Redis script per request. A claimed unit becomes a purchase row in PostgreSQL and an order job.
/// </summary>
/// <remarks>
/// The purchase's own services (the database, checkout's rules, data protection, the job client) are
/// resolved only by the purchase: a status poll, the most frequent request of a sale, builds nothing
/// but this object.
/// </remarks>
internal sealed partial class FlashSaleRoom(
    SaleDirectory directory,
    SaleRoomStore room,
    SaleCountersKeeper keeper,
    SaleAnnouncements announcements,
    Passes passes,
    WaitingPlaces places,
    IServiceProvider services,
    IOptions<FlashSaleOptions> options,
    TimeProvider clock,
    ILogger<FlashSaleRoom> logger) : IFlashSaleRoom
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(2);

    /// <summary>How long an encrypted payment method can be read back: the order job runs within seconds.</summary>
    internal static readonly TimeSpan PaymentKeptFor = TimeSpan.FromMinutes(15);

    internal const string PaymentPurpose = "Storefront.FlashSale.Payment";

    public async Task<SaleView?> FindAsync(string slug, CancellationToken ct) =>
        await directory.FindAsync(slug, ct) is { } sale ? ViewOf(sale, clock.GetUtcNow()) : null;

    private SaleView ViewOf(LiveSale sale, DateTimeOffset now)
    {
        var i = sale.Info;
        return new SaleView(i.Id, i.Slug, i.Sku, sale.Product?.Title ?? i.Sku, sale.Product?.Slug, sale.Product?.Image?.Url,
            i.Price, sale.Product?.Price, i.StartsAt, i.EndsAt, i.StartsAt - options.Value.PreQueueOpensBefore, i.Units,
            Math.Max(0, sale.Counts.Left), i.LimitPerCustomer, i.PurchaseWindow, i.GuestsAllowed, sale.Phase(now));
    }

    public async Task<JoinResult> JoinAsync(string slug, string? customer, bool signedIn, CancellationToken ct)
    {
        var result = await JoinLineAsync(slug, customer, signedIn, ct);
        SaleMetrics.Joined(result.Outcome);
        return result;
    }

    private async Task<JoinResult> JoinLineAsync(string slug, string? customer, bool signedIn, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await directory.FindAsync(slug, ct) is not { } sale) return new(JoinOutcome.Ended, null, null);
        switch (sale.Phase(now))
        {
            case SalePhase.Ended: return new(JoinOutcome.Ended, null, Place(ShopperState.Ended, sale));
            case SalePhase.SoldOut: return new(JoinOutcome.SoldOut, null, Place(ShopperState.SoldOut, sale));
            case SalePhase.Upcoming when now < sale.Info.StartsAt - options.Value.PreQueueOpensBefore:
                return new(JoinOutcome.TooEarly, null, null);
        }
        if (customer is null || (!signedIn && !sale.Info.GuestsAllowed)) return new(JoinOutcome.SignInRequired, null, null);

        try
        {
            var answer = await room.JoinAsync(sale.Info.Id, customer, now, PreQueueTicket());
            if (answer.Code == JoinCode.NotReady && await keeper.EnsureAsync(sale, ct))
                answer = await room.JoinAsync(sale.Info.Id, customer, now, PreQueueTicket());
            switch (answer.Code)
            {
                case JoinCode.NotReady: return new(JoinOutcome.Busy, null, Place(ShopperState.Rebuilding, sale), BusyRetry);
                case JoinCode.Ended: return new(JoinOutcome.Ended, null, Place(ShopperState.Ended, sale));
                case JoinCode.SoldOut: return new(JoinOutcome.SoldOut, null, Place(ShopperState.SoldOut, sale));
                case JoinCode.OverLimit: return new(JoinOutcome.OverLimit, null, Place(ShopperState.Bought, sale));
            }
            var pass = await passes.IssueAsync(sale.Info.Id, customer, answer.Ticket, PassExpiry(sale.Info), ct);
            var status = await StandingOfAsync(sale, customer, answer.Ticket, now, ct);
            return new(answer.Code == JoinCode.Joined ? JoinOutcome.Joined : JoinOutcome.AlreadyJoined, pass, status.Place);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex, sale.Info.Slug);
            return new(JoinOutcome.Busy, null, null, BusyRetry);
        }
    }

    /// <summary>A random ticket below 2^50: the pre-queue's order is drawn by these, not by arrival.</summary>
    private static long PreQueueTicket() => BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & (SaleRoomStore.PreQueueTickets - 1);

    /// <summary>A pass is good until an hour after the sale's end (to see how one's purchase went).</summary>
    private static DateTimeOffset PassExpiry(SaleInfo sale) => sale.EndsAt.AddHours(1);

    public async Task<StatusResult> StatusAsync(string slug, string? pass, string? customer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await directory.FindAsync(slug, ct) is not { } sale) return new(null, PassRefusal.OtherSale);
        var (claims, refused) = await passes.CheckAsync(pass, sale.Info.Id, customer, now, ct);
        if (refused is { } why)
        {
            CountRefusal(sale, why);
            return new(null, why);
        }
        return await StandingOfAsync(sale, claims!.Customer, claims.Ticket, now, ct, fromMemory: true);
    }

    private async Task<StatusResult> StandingOfAsync(LiveSale sale, string customer, long ticket, DateTimeOffset now, CancellationToken ct,
        bool fromMemory = false)
    {
        // Answered from memory: nothing a shopper could learn from Redis would change what they see.
        switch (sale.Phase(now))
        {
            case SalePhase.Ended: return new(Place(ShopperState.Ended, sale), null);
            case SalePhase.SoldOut: return new(Place(ShopperState.SoldOut, sale), null);
            case SalePhase.Upcoming:
                var untilStart = sale.Info.StartsAt - now;
                return new(Place(ShopperState.PreQueue, sale) with { PollAfter = Clamp(untilStart, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)) }, null);
        }
        if (fromMemory && RememberedPlace(sale, customer, now) is { } remembered) return new(remembered, null);
        try
        {
            var (ready, standing, counts) = await room.StandingAsync(sale.Info.Id, customer, ticket, now, restore: true);
            if (!ready && await keeper.EnsureAsync(sale, ct))
                (ready, standing, counts) = await room.StandingAsync(sale.Info.Id, customer, ticket, now, restore: true);
            if (!ready || standing is null) return new(Place(ShopperState.Rebuilding, sale), null, BusyRetry);
            sale.Update(counts);
            var place = PlaceOf(sale, standing, now);
            if (place.State == ShopperState.Waiting) places.Remember(sale.Info.Id, customer, standing.Rank, now);
            else places.Forget(sale.Info.Id, customer);
            return new(place, null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex, sale.Info.Slug);
            return new(Place(ShopperState.Rebuilding, sale), null, BusyRetry);
        }
    }

    /// <summary>
    /// A waiting shopper's place from this instance's memory, when the sale's own numbers (also in
    /// memory) say nothing has changed for them: running, not paused, units not all held.
    /// </summary>
    private PlaceInLine? RememberedPlace(LiveSale sale, string customer, DateTimeOffset now)
    {
        var counts = sale.Counts;
        if (!sale.CountsKnown || sale.Rebuilding || sale.Info.Paused || counts.Left - counts.Open <= 0) return null;
        if (places.Estimate(sale.Info.Id, customer, sale.Info.AdmissionPerMinute, now) is not { } position) return null;
        var estimate = TimeSpan.FromSeconds(Math.Ceiling(position / (sale.Info.AdmissionPerMinute / 60.0)));
        return new(ShopperState.Waiting, position, estimate, null, counts.Left, Clamp(estimate / 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)));
    }

    private PlaceInLine PlaceOf(LiveSale sale, Standing standing, DateTimeOffset now)
    {
        var counts = standing.Counts;
        switch (standing.State)
        {
            case 'a': return new(ShopperState.Admitted, null, null, standing.WindowEndsAt, counts.Left, TimeSpan.FromSeconds(10));
            case 'b': return Place(ShopperState.Bought, sale);
            case 't': return Place(ShopperState.TimedOut, sale);
            case 'g': return Place(ShopperState.GaveUp, sale);
        }
        var position = standing.Rank + 1;
        if (counts.Left <= 0 && counts.Open == 0) return Place(ShopperState.SoldOut, sale);
        // Every unit left is held by someone let in: nobody waits for stock that is gone, but a unit
        // may come back (a window running out, a declined card).
        if (counts.Left - counts.Open <= 0) return new(ShopperState.WaitingList, position, null, null, counts.Left, TimeSpan.FromSeconds(5));
        var perSecond = sale.Info.AdmissionPerMinute / 60.0;
        var estimate = TimeSpan.FromSeconds(Math.Ceiling(position / perSecond));
        if (sale.Info.Paused) return new(ShopperState.Paused, position, null, null, counts.Left, TimeSpan.FromSeconds(10));
        return new(ShopperState.Waiting, position, estimate, null, counts.Left, Clamp(estimate / 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)));
    }

    private static PlaceInLine Place(ShopperState state, LiveSale sale) => new(state, null, null, null, Math.Max(0, sale.Counts.Left), state switch
    {
        ShopperState.SoldOut or ShopperState.Ended or ShopperState.Bought or ShopperState.GaveUp or ShopperState.TimedOut => TimeSpan.FromSeconds(30),
        ShopperState.Rebuilding => BusyRetry,
        _ => TimeSpan.FromSeconds(5),
    });

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private void CountRefusal(LiveSale sale, PassRefusal why)
    {
        try
        {
            _ = room.CountRefusalAsync(sale.Info.Id, why switch
            {
                PassRefusal.Expired => "expired_pass",
                PassRefusal.OtherCustomer or PassRefusal.OtherSale => "borrowed_pass",
                _ => "forged_pass",
            });
        }
        catch (RedisException)
        {
            // Only a number on the dashboard.
        }
    }

    public async Task<StatusResult> LeaveAsync(string slug, string pass, string customer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await directory.FindAsync(slug, ct) is not { } sale) return new(null, PassRefusal.OtherSale);
        var (claims, refused) = await passes.CheckAsync(pass, sale.Info.Id, customer, now, ct);
        if (refused is { } why) return new(null, why);
        try
        {
            places.Forget(sale.Info.Id, claims!.Customer);
            await room.LeaveAsync(sale.Info.Id, claims.Customer, now);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex, sale.Info.Slug);
            return new(Place(ShopperState.Rebuilding, sale), null, BusyRetry);
        }
        return new(Place(ShopperState.GaveUp, sale), null);
    }

    public async Task<PurchaseResult> PurchaseAsync(PurchaseRequest request, CancellationToken ct)
    {
        var result = await BuyAsync(request, ct);
        SaleMetrics.Purchased(result.Outcome);
        return result;
    }

    private async Task<PurchaseResult> BuyAsync(PurchaseRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await directory.FindAsync(request.Slug, ct) is not { } sale) return new(PurchaseOutcome.Ended);
        var (claims, refused) = await passes.CheckAsync(request.Pass, sale.Info.Id, request.Customer, now, ct);
        if (refused is { } why)
        {
            CountRefusal(sale, why);
            return new(PurchaseOutcome.PassRefused, Problem: Problem.Of(RefusalCode(why)));
        }
        switch (sale.Phase(now))
        {
            case SalePhase.Ended: return new(PurchaseOutcome.Ended, Problem: Problem.Of(FlashSaleProblems.SaleOver));
            case SalePhase.Upcoming: return new(PurchaseOutcome.NotAdmitted, Problem: Problem.Of(FlashSaleProblems.NotAdmitted));
            case SalePhase.SoldOut:
                CountRefusal(sale, "sold_out");
                return new(PurchaseOutcome.SoldOut, Problem: Problem.Of(FlashSaleProblems.SoldOut));
            case SalePhase.Rebuilding: return new(PurchaseOutcome.Busy, Problem: Problem.Of(FlashSaleProblems.Busy), RetryAfter: BusyRetry);
        }
        var payment = (request.PaymentMethod ?? "").Trim();
        var errors = services.GetRequiredService<ICheckout>().ValidateOrderDetails(request.ShippingAddress, request.Email, request.ShippingMethod, payment);
        if (errors.Count > 0) return new(PurchaseOutcome.Invalid, Problem: Problem.Of(CheckoutProblems.FieldsInvalid), FieldErrors: errors);

        // Random, not time-ordered: the purchase id is also the shopper's reference and must not be guessable.
        var id = Guid.NewGuid();
        ClaimResult claim;
        try
        {
            claim = await room.ClaimAsync(sale.Info.Id, claims!.Customer, id, now);
            if (claim.Outcome == ClaimOutcome.NotReady)
            {
                _ = await keeper.EnsureAsync(sale, ct);
                return new(PurchaseOutcome.Busy, Problem: Problem.Of(FlashSaleProblems.Busy), RetryAfter: BusyRetry);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisAway(ex, sale.Info.Slug);
            return new(PurchaseOutcome.Busy, Problem: Problem.Of(FlashSaleProblems.Busy), RetryAfter: BusyRetry);
        }
        switch (claim.Outcome)
        {
            case ClaimOutcome.OverLimit: return new(PurchaseOutcome.OverLimit, Problem: Problem.Of(FlashSaleProblems.OverLimit, ("limit", sale.Info.LimitPerCustomer)));
            case ClaimOutcome.SoldOut: return new(PurchaseOutcome.SoldOut, Problem: Problem.Of(FlashSaleProblems.SoldOut));
            case ClaimOutcome.Ended: return new(PurchaseOutcome.Ended, Problem: Problem.Of(FlashSaleProblems.SaleOver));
            case ClaimOutcome.NotAdmitted: return new(PurchaseOutcome.NotAdmitted, Problem: Problem.Of(FlashSaleProblems.NotAdmitted));
            case ClaimOutcome.WindowExpired: return new(PurchaseOutcome.WindowExpired, Problem: Problem.Of(FlashSaleProblems.WindowExpired));
        }
        if (claim.Counts is { } counts) sale.Claimed(counts);
        if (claim.Remaining == 0) announcements.Publish(sale.Info.Id);

        var purchase = new Purchase
        {
            Id = id, SaleId = sale.Info.Id, Customer = claims!.Customer, UserId = request.UserId, Email = request.Email.Trim(),
            ShippingAddress = JsonSerializer.Serialize(request.ShippingAddress, Json), ShippingMethod = request.ShippingMethod,
            Payment = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(PaymentPurpose).ToTimeLimitedDataProtector().Protect(payment, PaymentKeptFor),
            State = PurchaseStates.Processing, WindowEndsAt = claim.WindowEndsAt, CreatedAt = now, UpdatedAt = now,
        };
        var db = services.GetRequiredService<FlashSaleDbContext>();
        db.Purchases.Add(purchase);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException)
        {
            // The unit goes straight back, and the shopper may try again while the window lasts.
            LogPurchaseNotSaved(ex, sale.Info.Slug);
            db.ChangeTracker.Clear();
            await room.ReleaseAsync(sale.Info.Id, id, now, reopen: true, reason: "failed");
            return new(PurchaseOutcome.Busy, Problem: Problem.Of(FlashSaleProblems.Busy), RetryAfter: BusyRetry);
        }
        await AskForOrdersAsync(sale.Info.Id, id);
        return new(PurchaseOutcome.Confirmed, id);
    }

    private void CountRefusal(LiveSale sale, string reason)
    {
        try
        {
            _ = room.CountRefusalAsync(sale.Info.Id, reason);
        }
        catch (RedisException)
        {
            // Only a number on the dashboard.
        }
    }

    private static string RefusalCode(PassRefusal why) => why switch
    {
        PassRefusal.Expired => FlashSaleProblems.PassExpired,
        PassRefusal.OtherCustomer => FlashSaleProblems.PassOfAnother,
        PassRefusal.OtherSale => FlashSaleProblems.PassOfAnotherSale,
        _ => FlashSaleProblems.PassForged,
    };

    public async Task<PurchaseView?> GetPurchaseAsync(Guid purchaseId, string customer, CancellationToken ct)
    {
        var purchase = await services.GetRequiredService<FlashSaleDbContext>().Purchases.AsNoTracking().FirstOrDefaultAsync(p => p.Id == purchaseId && p.Customer == customer, ct);
        if (purchase is null || await directory.FindAsync(purchase.SaleId, ct) is not { } sale) return null;
        var state = purchase.State switch
        {
            PurchaseStates.Ordered => PurchaseState.Ordered,
            PurchaseStates.Declined => PurchaseState.Declined,
            PurchaseStates.Failed => PurchaseState.Failed,
            _ => PurchaseState.Processing,
        };
        return new PurchaseView(purchase.Id, sale.Info.Id, sale.Info.Slug, sale.Product?.Title ?? sale.Info.Sku, sale.Info.Price, state,
            purchase.OrderNumber, ProblemJson.Read(purchase.Problem), purchase.CreatedAt, purchase.WindowEndsAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flash sale {Slug}: Redis did not answer")]
    private partial void LogRedisAway(Exception exception, string slug);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flash sale {Slug}: a claimed unit's purchase could not be saved; the unit was given back")]
    private partial void LogPurchaseNotSaved(Exception exception, string slug);

    /// <summary>
    /// Makes sure the sale's order-making job will see the purchase just saved: queued unless one is
    /// already queued and has not started (Redis remembers that for every instance).
    /// </summary>
    private async Task AskForOrdersAsync(Guid saleId, Guid purchaseId)
    {
        try
        {
            bool queue;
            try
            {
                queue = await room.AskForOrdersAsync(saleId);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                queue = true; // better a job too many than a purchase waiting for the recovery pass
            }
            if (queue) services.GetRequiredService<IBackgroundJobClient>().Enqueue<SaleOrdersJob>(job => job.RunAsync(saleId, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The recovery pass runs purchases whose order was never made.
            LogJobNotQueued(ex, purchaseId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase {PurchaseId}: its order job could not be queued; the recovery pass will run it")]
    private partial void LogJobNotQueued(Exception exception, Guid purchaseId);
}
