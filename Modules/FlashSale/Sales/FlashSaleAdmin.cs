using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;
using Storefront.FlashSale.Contracts;
using Storefront.FlashSale.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.FlashSale.Sales;

internal sealed partial class FlashSaleAdmin(
    FlashSaleDbContext db,
    IPricesAndStock inventory,
    TimeProvider clock,
    IOptions<StoreCurrencyOptions> store) : IFlashSaleAdmin
{
    /// <summary>The stock-ledger reason of the units a sale takes out of normal stock; the sale's id is the reference.</summary>
    internal const string LedgerReason = "Flash sale";

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
        return new(ArmOutcome.Armed);
    }

    public Task<SaleSummary?> GetAsync(Guid saleId, CancellationToken cancellationToken) =>
        Summaries(db.Sales.AsNoTracking().Where(s => s.Id == saleId)).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<SaleSummary>> ListAsync(int take, CancellationToken cancellationToken) =>
        await Summaries(db.Sales.AsNoTracking().OrderByDescending(s => s.StartsAt).ThenBy(s => s.Id).Take(Math.Clamp(take, 1, 500)))
            .ToListAsync(cancellationToken);

    private static IQueryable<SaleSummary> Summaries(IQueryable<Sale> sales) => sales.Select(s => new SaleSummary(
        s.Id, s.Slug, s.Sku, s.Units, new Money(s.Price, s.Currency), s.StartsAt, s.EndsAt, s.LimitPerCustomer,
        s.AdmissionPerMinute, s.PurchaseWindow, s.GuestsAllowed, s.Status, s.QuotaHeld, s.CreatedAt));

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
