using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog.Transfer;

/// <summary>
/// Hangfire job applying a started import, row by row through the catalog's and inventory's own
/// commands (so every rule, event and cache eviction of a merchant's edit applies). Each row's end is
/// written as it is reached: a job that stops part way (a restart, a crash) is run again by Hangfire
/// and goes on from the first row without one, and a row whose change landed before the stop is
/// found already as the file says and counted as done.
/// </summary>
public sealed class ProductImportJob(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(Guid importId, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var import = await db.ProductImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == importId, cancellationToken);
            if (import is not { Status: ImportStatus.Applying }) return;
            var rows = await db.ProductImportRows.Where(r => r.ImportId == importId && !r.Done).OrderBy(r => r.Line).Take(50).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                await db.ProductImports.Where(i => i.Id == importId && i.Status == ImportStatus.Applying)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ImportStatus.Applied).SetProperty(i => i.FinishedAt, clock.GetUtcNow()), cancellationToken);
                return;
            }
            var context = new StockChangeContext(import.StartedBy ?? "import", $"Import of {import.FileName}", import.Id.ToString());
            foreach (var row in rows)
            {
                // Each row in a scope of its own: a refused save leaves nothing tracked for the next.
                using var rowScope = scopes.CreateScope();
                var (skipped, partly) = await ApplyAsync(rowScope.ServiceProvider, row, context, cancellationToken);
                var why = skipped is null ? null : ProblemJson.Write(skipped);
                // A row's end is written once: a second run beside this one (a retry) that reached the
                // same row finds it already as the file says, and does not count it again.
                var ended = await db.ProductImportRows.Where(r => r.ImportId == importId && r.Line == row.Line && !r.Done)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.Done, true)
                        .SetProperty(r => r.Skipped, why)
                        .SetProperty(r => r.PartlyApplied, partly), cancellationToken);
                if (ended == 0) continue;
                var (done, notDone) = skipped is null ? (1, 0) : (0, 1);
                await db.ProductImports.Where(i => i.Id == importId)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.Done, i => i.Done + done).SetProperty(i => i.Skipped, i => i.Skipped + notDone), cancellationToken);
            }
        }
    }

    /// <summary>Applies one row: null when it was applied (or found already so), else why not, and whether its text was saved all the same.</summary>
    private static async Task<(Problem? Skipped, bool Partly)> ApplyAsync(IServiceProvider services, ProductImportRow row, StockChangeContext context, CancellationToken ct)
    {
        var admin = services.GetRequiredService<ICatalogAdmin>();
        var inventory = services.GetRequiredService<IPricesAndStock>();
        var currency = services.GetRequiredService<IOptions<StoreCurrencyOptions>>().Value.Currency;
        var plan = JsonSerializer.Deserialize<RowPlan>(row.Plan, Json)!;
        if (row.Action == ImportRowAction.Create)
        {
            var created = await admin.CreateProductAsync(plan.Input!, new InitialStock(plan.Price!.Value, plan.OnHand ?? 0), ct);
            if (created.Succeeded) return (null, false);
            var problem = created.Errors.Values.First()[0];
            // Made already: by this job before a restart (then it is as the file says), or by someone since the preview.
            if (problem.Code == CatalogProblems.SkuTaken && await IsAsFileSaysAsync(services, plan.Input!, ct)) return (null, false);
            return (problem.Code == CatalogProblems.SkuTaken ? Problem.Of(CatalogProblems.ImportCreatedMeanwhile) : problem, false);
        }

        var textSaved = false;
        if (plan.Input is { } input)
        {
            if (!await IsAsFileSaysAsync(services, input, ct))
            {
                var updated = await admin.UpdateProductAsync(plan.ProductId!.Value, input, plan.SeenUpdatedAt, ct);
                // Changed meanwhile into what the file says (a second run of this job beside the first) is done all the same.
                if (!updated.Succeeded && !await IsAsFileSaysAsync(services, input, ct)) return (updated.Errors.Values.First()[0], false);
            }
            textSaved = true;
        }
        if (plan.Price is not null || plan.OnHand is not null)
        {
            // Read from the database, not the pages' short-lived cache: what the line is compared with must be now.
            var now = await FreshAsync(inventory, row.Sku, ct);
            if (now is null) return (Problem.Of(CatalogProblems.ProductGone), textSaved);
            var (price, onHand) = (plan.Price ?? now.Price.Amount, plan.OnHand ?? now.OnHand);
            if (now.Price.Amount == price && now.OnHand == onHand) return (null, false);
            // Only what the file changes is saved, and only if no one changed it since the preview
            // (another merchant, or orders taking stock): the row is then skipped and says so.
            var seen = new SeenPriceAndStock(plan.SeenPrice ?? now.Price.Amount, currency, plan.SeenOnHand ?? now.OnHand);
            var changed = await inventory.SetPriceAndStockAsync(row.Sku, price, currency, onHand, seen, context, ct);
            if (!changed.Succeeded && changed.Outcome == StockChangeOutcome.ChangedMeanwhile
                && await FreshAsync(inventory, row.Sku, ct) is { } after && after.Price.Amount == price && after.OnHand == onHand)
                return (null, false);
            if (!changed.Succeeded)
                return (changed.Outcome == StockChangeOutcome.ChangedMeanwhile ? Problem.Of(CatalogProblems.ImportStockChangedMeanwhile)
                    : changed.Problem ?? Problem.Of(CatalogProblems.StockNotSaved), textSaved);
        }
        return (null, false);
    }

    private static async Task<SkuStock?> FreshAsync(IPricesAndStock inventory, string sku, CancellationToken ct) =>
        (await inventory.GetManyAsync([sku], ct)).GetValueOrDefault(sku);

    /// <summary>Whether the product of this SKU is already what the row makes it.</summary>
    private static async Task<bool> IsAsFileSaysAsync(IServiceProvider services, ProductInput input, CancellationToken ct)
    {
        var admin = services.GetRequiredService<ICatalogAdmin>();
        var found = await admin.ProductsBySkuAsync([input.Sku], ct);
        if (!found.TryGetValue(input.Sku, out var row)) return false;
        var now = (await admin.GetProductForEditAsync(row.Id, ct))?.Input;
        return now is not null && now.Title == input.Title && now.Slug == input.Slug && now.Brand == input.Brand && now.Description == input.Description
            && now.CategoryId == input.CategoryId && now.Published == input.Published
            && now.Attributes.Count == input.Attributes.Count(a => a.Value.Trim().Length > 0)
            && now.Attributes.All(a => input.Attributes.TryGetValue(a.Key, out var v) && v.Trim() == a.Value);
    }
}
