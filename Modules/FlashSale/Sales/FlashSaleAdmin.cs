using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.FlashSale.Selling;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;

namespace Storefront.FlashSale.Sales;

internal sealed partial class FlashSaleAdmin(
    FlashSaleDbContext db,
    IPricesAndStock inventory,
    SaleRoomStore room,
    SaleDirectory directory,
    SaleAnnouncements announcements,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<StoreCurrencyOptions> store) : IFlashSaleAdmin
{
    /// <summary>The stock-ledger reason of the units a sale takes out of normal stock; the sale's id is the reference.</summary>
    internal const string LedgerReason = "Flash sale";

    /// <summary>The stock-ledger reason of unsold units going back to normal stock after the sale; the sale's id is the reference.</summary>
    internal const string ReturnLedgerReason = "Flash sale unsold";

    internal const int MaxAdmissionPerMinute = 100_000;
    internal static readonly TimeSpan MinPurchaseWindow = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MaxPurchaseWindow = TimeSpan.FromHours(1);

    public async Task<CommandResult<Guid>> CreateAsync(SaleInput input, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = Validate(input, now);
        var sku = input.Sku.Trim();
        if (!errors.ContainsKey(nameof(SaleInput.Sku)))
        {
            var stock = await inventory.GetAsync(sku, cancellationToken);
            if (stock is null)
                errors[nameof(SaleInput.Sku)] = [Problem.Of(FlashSaleProblems.UnknownSku, ("sku", sku))];
            else if (!errors.ContainsKey(nameof(SaleInput.Units)) && input.Units > stock.Available)
                errors[nameof(SaleInput.Units)] = [Problem.Of(FlashSaleProblems.UnitsAboveStock, ("available", stock.Available))];
        }
        if (errors.Count > 0) return new(default, errors);

        var sale = new Sale
        {
            Id = Guid.CreateVersion7(now),
            Slug = input.Slug.Trim(),
            Sku = sku,
            Units = input.Units,
            Price = input.Price,
            Currency = store.Value.Currency,
            StartsAt = input.StartsAt.ToUniversalTime(),
            EndsAt = input.EndsAt.ToUniversalTime(),
            LimitPerCustomer = input.LimitPerCustomer,
            AdmissionPerMinute = input.AdmissionPerMinute,
            PurchaseWindow = input.PurchaseWindow ?? SaleInput.DefaultPurchaseWindow,
            GuestsAllowed = input.GuestsAllowed,
            Status = SaleStatus.Draft,
            CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // One creation per SKU at a time, so two overlapping sales of one SKU cannot both pass the
            // overlap check; the unique slug settles two creations of one sale for different SKUs.
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_advisory_xact_lock(hashtextextended({"flashsale:new-sale:" + sku}, 0))", cancellationToken);
            if (await db.Sales.AnyAsync(s => s.Slug == sale.Slug, cancellationToken))
                return CommandResult<Guid>.Fail(nameof(SaleInput.Slug), Problem.Of(FlashSaleProblems.SlugTaken));
            var overlapping = await db.Sales
                .Where(s => s.Sku == sku && s.StartsAt < sale.EndsAt && sale.StartsAt < s.EndsAt)
                .Select(s => s.Slug).FirstOrDefaultAsync(cancellationToken);
            if (overlapping is not null)
                return CommandResult<Guid>.Fail(nameof(SaleInput.StartsAt), Problem.Of(FlashSaleProblems.Overlaps, ("slug", overlapping)));
            db.Sales.Add(sale);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return CommandResult<Guid>.Ok(sale.Id);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return CommandResult<Guid>.Fail(nameof(SaleInput.Slug), Problem.Of(FlashSaleProblems.SlugTaken));
        }
    }

    private static Dictionary<string, Problem[]> Validate(SaleInput input, DateTimeOffset now)
    {
        var errors = new Dictionary<string, Problem[]>(StringComparer.Ordinal);
        void Fail(string field, string code) => errors.TryAdd(field, [Problem.Of(code)]);

        if (!SlugPattern().IsMatch(input.Slug.Trim()) || input.Slug.Trim().Length > 100) Fail(nameof(SaleInput.Slug), FlashSaleProblems.SlugInvalid);
        if (string.IsNullOrWhiteSpace(input.Sku) || input.Sku.Trim().Length > 64)
            errors[nameof(SaleInput.Sku)] = [Problem.Of(FlashSaleProblems.UnknownSku, ("sku", input.Sku.Trim()))];
        if (input.Units <= 0) Fail(nameof(SaleInput.Units), FlashSaleProblems.UnitsInvalid);
        if (input.Price <= 0 || input.Price > StockLimits.MaxPrice || decimal.Round(input.Price, 2) != input.Price)
            Fail(nameof(SaleInput.Price), FlashSaleProblems.PriceInvalid);
        if (input.StartsAt <= now) Fail(nameof(SaleInput.StartsAt), FlashSaleProblems.StartInPast);
        if (input.EndsAt <= input.StartsAt) Fail(nameof(SaleInput.EndsAt), FlashSaleProblems.EndNotAfterStart);
        if (input.LimitPerCustomer < 1) Fail(nameof(SaleInput.LimitPerCustomer), FlashSaleProblems.LimitInvalid);
        if (input.AdmissionPerMinute is < 1 or > MaxAdmissionPerMinute) Fail(nameof(SaleInput.AdmissionPerMinute), FlashSaleProblems.AdmissionRateInvalid);
        if (input.PurchaseWindow is { } window && (window < MinPurchaseWindow || window > MaxPurchaseWindow))
            Fail(nameof(SaleInput.PurchaseWindow), FlashSaleProblems.PurchaseWindowInvalid);
        return errors;
    }

    public async Task<ArmResult> ArmAsync(Guid saleId, string actor, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        // The sale row stays locked until the quota is recorded, so a second arm waits and then finds it armed.
        var sale = (await db.Sales.FromSql($"SELECT * FROM flashsale.sales WHERE id = {saleId} FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();
        if (sale is null) return new(ArmOutcome.Refused, Problem.Of(FlashSaleProblems.SaleGone));
        if (sale.Status == SaleStatus.Armed) return new(ArmOutcome.AlreadyArmed);
        if (sale.Status != SaleStatus.Draft) return new(ArmOutcome.Refused, Problem.Of(FlashSaleProblems.NotDraft));
        var now = clock.GetUtcNow();
        if (sale.EndsAt <= now) return new(ArmOutcome.Refused, Problem.Of(FlashSaleProblems.Ended));

        // Inventory commits on its own. Once per sale: when this transaction fails after Inventory's
        // commit, arming again finds the ledger line and takes nothing more, then records the quota.
        var taken = await inventory.AdjustOnHandAsync(sale.Sku, -sale.Units,
            new StockChangeContext(actor, LedgerReason, sale.Id.ToString(), OncePerReference: true), cancellationToken);
        if (!taken.Succeeded)
        {
            var available = (await inventory.GetAsync(sale.Sku, cancellationToken))?.Available ?? 0;
            return new(ArmOutcome.Refused, Problem.Of(FlashSaleProblems.StockGone, ("units", sale.Units), ("available", Math.Max(available, 0))));
        }
        sale.MarkArmed(now);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await BuildCountersAsync(sale.Slug, cancellationToken);
        return new(ArmOutcome.Armed);
    }

    /// <summary>Sets the sale's counters up in Redis now; when Redis is away the admission loop does it later.</summary>
    private async Task BuildCountersAsync(string slug, CancellationToken ct)
    {
        directory.Forget(slug);
        try
        {
            if (await directory.FindAsync(slug, ct) is { } live)
                await services.GetRequiredService<SaleCountersKeeper>().EnsureAsync(live, ct);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Built by the admission loop once Redis answers.
        }
    }

    public async Task<SaleDashboard?> DashboardAsync(Guid saleId, CancellationToken ct)
    {
        if (await GetAsync(saleId, ct) is not { } sale) return null;
        var now = clock.GetUtcNow();
        RoomStats? stats = null;
        try
        {
            stats = await room.StatsAsync(saleId, now);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Shown as counters missing: PostgreSQL's numbers still stand.
        }
        var states = await db.Purchases.AsNoTracking().Where(p => p.SaleId == saleId).GroupBy(p => p.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        long Total(string name) => stats?.Totals.GetValueOrDefault(name) ?? 0;
        var refused = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["over-limit"] = Total("refused_over_limit"),
            ["forged-pass"] = Total("refused_forged_pass"),
            ["expired-pass"] = Total("refused_expired_pass") + Total("refused_expired"),
            ["borrowed-pass"] = Total("refused_borrowed_pass"),
            ["sold-out"] = Total("refused_sold_out"),
            ["not-admitted"] = Total("refused_not_admitted"),
        };
        var live = directory.Known(saleId);
        // The row just read decides whether the sale is over: this instance's view of it in memory
        // may still be the one from before the merchant ended it.
        var phase = sale.Status == SaleStatus.Draft ? SalePhase.Upcoming
            : now >= sale.EndsAt || sale.Status == SaleStatus.Ended ? SalePhase.Ended
            : live?.Phase(now) ?? (now < sale.StartsAt ? SalePhase.Upcoming : SalePhase.Live);
        if (stats is { } s && phase is not SalePhase.Ended and not SalePhase.Upcoming)
            phase = s.Counts is { Left: <= 0, Open: 0 } ? SalePhase.SoldOut : sale.Paused ? SalePhase.Paused : SalePhase.Live;
        return new SaleDashboard(sale, phase, stats?.Counts.Waiting ?? 0, Total("admitted"), stats?.Counts.Open ?? 0, stats?.ClaimedNet ?? 0,
            stats?.Counts.Left ?? Math.Max(0, sale.QuotaHeld - sale.Sold - sale.Returned), Total("timed_out"), Total("gave_up"), Total("declined"),
            refused, stats?.AdmittedLastMinute ?? 0, states.GetValueOrDefault(PurchaseStates.Ordered), states.GetValueOrDefault(PurchaseStates.Processing),
            stats is null && sale.Status != SaleStatus.Draft, now);
    }

    public Task<SaleChangeResult> PauseAsync(Guid saleId, string actor, CancellationToken ct) =>
        ChangeAsync(saleId, sale => sale.Paused ? null : () => sale.Paused = true, ct);

    public Task<SaleChangeResult> ResumeAsync(Guid saleId, string actor, CancellationToken ct) =>
        ChangeAsync(saleId, sale => sale.Paused ? () => sale.Paused = false : null, ct);

    public Task<SaleChangeResult> EndAsync(Guid saleId, string actor, CancellationToken ct) =>
        ChangeAsync(saleId, sale => sale.Status == SaleStatus.Ended ? null : () => (sale.Status, sale.EndedAt) = (SaleStatus.Ended, clock.GetUtcNow()), ct);

    /// <summary>
    /// Changes an armed sale under its row's lock (so two merchants clicking at once change it once),
    /// then copies the flags into Redis and tells every instance. <paramref name="change"/> returns
    /// null when there is nothing to do.
    /// </summary>
    private async Task<SaleChangeResult> ChangeAsync(Guid saleId, Func<Sale, Action?> change, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sale = (await db.Sales.FromSql($"SELECT * FROM flashsale.sales WHERE id = {saleId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (sale is null) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.SaleGone));
        if (sale.Status == SaleStatus.Draft) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.NotArmed));
        var now = clock.GetUtcNow();
        if (sale.Status == SaleStatus.Ended) return new(SaleChangeOutcome.Unchanged);
        if (sale.IsOver(now)) (sale.Status, sale.EndedAt) = (SaleStatus.Ended, sale.EndsAt); // over whatever was asked: recorded as ended
        else if (change(sale) is { } apply) apply();
        else return new(SaleChangeOutcome.Unchanged);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        try
        {
            await room.SetFlagsAsync(sale.Id, sale.Paused, sale.Status == SaleStatus.Ended);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // The counters are rebuilt from PostgreSQL, flags included, when Redis comes back.
        }
        directory.Forget(sale.Slug);
        announcements.Publish(sale.Id);
        return new(SaleChangeOutcome.Done);
    }

    public async Task<Reconciliation?> ReconcileAsync(Guid saleId, CancellationToken ct)
    {
        if (await GetAsync(saleId, ct) is not { } sale) return null;
        long? claimed = null;
        try
        {
            claimed = (await room.StatsAsync(saleId, clock.GetUtcNow()))?.ClaimedNet;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Reported as a finding below.
        }
        var states = await db.Purchases.AsNoTracking().Where(p => p.SaleId == saleId).GroupBy(p => p.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var (orders, processing) = (states.GetValueOrDefault(PurchaseStates.Ordered), states.GetValueOrDefault(PurchaseStates.Processing));
        var findings = new List<Problem>();
        if (processing > 0) findings.Add(Problem.Of(FlashSaleProblems.FindingProcessing, ("processing", processing)));
        if (claimed is null && sale.Status != SaleStatus.Draft) findings.Add(Problem.Of(FlashSaleProblems.FindingCountersGone));
        else if (claimed is { } c && c != orders + processing) findings.Add(Problem.Of(FlashSaleProblems.FindingClaimsVersusOrders, ("claimed", c), ("orders", orders + processing)));
        if (orders != sale.Sold) findings.Add(Problem.Of(FlashSaleProblems.FindingOrdersVersusStock, ("orders", orders), ("committed", sale.Sold)));
        var unsold = Math.Max(0, sale.QuotaHeld - sale.Sold - sale.Returned);
        return new Reconciliation(sale.QuotaHeld, claimed, orders, sale.Sold, processing, unsold, sale.Returned, findings.Count == 0, findings);
    }

    public async Task<SaleChangeResult> ReturnUnsoldAsync(Guid saleId, string actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sale = (await db.Sales.FromSql($"SELECT * FROM flashsale.sales WHERE id = {saleId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (sale is null) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.SaleGone));
        if (sale.Status == SaleStatus.Draft) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.NotArmed));
        if (!sale.IsOver(clock.GetUtcNow())) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.NotOverYet));
        var processing = await db.Purchases.CountAsync(p => p.SaleId == saleId && p.State == PurchaseStates.Processing, ct);
        if (processing > 0) return new(SaleChangeOutcome.Refused, Problem.Of(FlashSaleProblems.OrdersStillBeingMade, ("processing", processing)));
        var unsold = sale.QuotaHeld - sale.Sold - sale.Returned;
        if (unsold <= 0) return new(SaleChangeOutcome.Unchanged, Problem.Of(FlashSaleProblems.NothingToReturn));
        // Inventory commits on its own, once per sale (the reference): after a crash here, returning
        // again finds its ledger line, adds nothing, and records the return below.
        var back = await inventory.AdjustOnHandAsync(sale.Sku, unsold,
            new StockChangeContext(actor, ReturnLedgerReason, sale.Id.ToString(), OncePerReference: true), ct);
        if (!back.Succeeded) return new(SaleChangeOutcome.Refused, back.Problem);
        if (sale.Status != SaleStatus.Ended) (sale.Status, sale.EndedAt) = (SaleStatus.Ended, sale.EndsAt);
        sale.Returned += unsold;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        directory.Forget(sale.Slug);
        return new(SaleChangeOutcome.Done, Problem.Of(FlashSaleProblems.UnsoldReturned, ("units", unsold)));
    }

    public Task<SaleSummary?> GetAsync(Guid saleId, CancellationToken cancellationToken) =>
        Summaries(db.Sales.AsNoTracking().Where(s => s.Id == saleId)).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<SaleSummary>> ListAsync(int take, CancellationToken cancellationToken) =>
        await Summaries(db.Sales.AsNoTracking().OrderByDescending(s => s.StartsAt).ThenBy(s => s.Id).Take(Math.Clamp(take, 1, 500)))
            .ToListAsync(cancellationToken);

    private static IQueryable<SaleSummary> Summaries(IQueryable<Sale> sales) => sales.Select(s => new SaleSummary(
        s.Id, s.Slug, s.Sku, s.Units, new Money(s.Price, s.Currency), s.StartsAt, s.EndsAt, s.LimitPerCustomer,
        s.AdmissionPerMinute, s.PurchaseWindow, s.GuestsAllowed, s.Status, s.QuotaHeld, s.CreatedAt)
    {
        Sold = s.Sold, Paused = s.Paused, EndedAt = s.EndedAt, Returned = s.Returned,
    });

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
