using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Stock;

public sealed class IndexModel(IPricesAndStock stock, ICatalogAdmin catalog, IStockReservations holds, IValidator<IndexModel.PriceAndStockForm> priceAndStockRules,
    IValidator<IndexModel.AdjustmentForm> adjustmentRules, OutcomeText words) : PageModel
{
    public const int LowStockPageSize = 50;

    /// <summary>A SKU's price and on-hand count as typed (numbers stay text until their rules pass).</summary>
    public sealed class PriceAndStockForm
    {
        public string Sku { get; set; } = "";
        public string? Price { get; set; }
        public string? Currency { get; set; }
        public string? OnHand { get; set; }
        public string? Reason { get; set; }

        /// <summary>The price, currency and count the form was opened with (hidden): only what the merchant changes is saved.</summary>
        public string? WasPrice { get; set; }
        public string? WasCurrency { get; set; }
        public string? WasOnHand { get; set; }

        public SeenPriceAndStock? Seen() =>
            FormNumbers.Amount(WasPrice) is { } price && int.TryParse(WasOnHand, NumberStyles.None, CultureInfo.InvariantCulture, out var onHand)
                && !string.IsNullOrWhiteSpace(WasCurrency)
                ? new SeenPriceAndStock(price, WasCurrency.Trim().ToUpperInvariant(), onHand)
                : null;
    }

    public sealed class PriceAndStockRules : AbstractValidator<PriceAndStockForm>
    {
        public PriceAndStockRules()
        {
            RuleFor(f => f.Price).Price();
            RuleFor(f => f.OnHand).StockLevel();
        }
    }

    /// <summary>Units added or removed, with the reason for the ledger.</summary>
    public sealed class AdjustmentForm
    {
        public string Sku { get; set; } = "";
        public string? Delta { get; set; }
        public string? Reason { get; set; }
    }

    public sealed class AdjustmentRules : AbstractValidator<AdjustmentForm>
    {
        public AdjustmentRules() => RuleFor(f => f.Delta).StockChange();
    }

    [BindProperty] public PriceAndStockForm Input { get; set; } = new();
    [BindProperty] public AdjustmentForm Adjustment { get; set; } = new();

    public string? Sku { get; private set; }
    public SkuStock? Item { get; private set; }
    /// <summary>The product the SKU belongs to, if any.</summary>
    public AdminProductRow? Product { get; private set; }
    public LowStockList LowStock { get; private set; } = default!;
    public IReadOnlyList<StockLedgerLine> Ledger { get; private set; } = [];
    public IReadOnlyList<HoldView> Holds { get; private set; } = [];

    // "page" is also the route value naming the Razor page, which binding would otherwise read first.
    public async Task OnGetAsync(string? sku, [FromQuery(Name = "page")] int? page, CancellationToken ct) => await LoadAsync(sku, ct, page ?? 1);

    public string PageLink(int page) =>
        Url.Page("/Stock/Index") + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["sku"] = Item?.Sku, ["page"] = page.ToString(CultureInfo.InvariantCulture),
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = Input;
        await LoadAsync(form.Sku, ct);
        if (Item is null) return Page();
        if (!await priceAndStockRules.ValidateIntoAsync(form, ModelState, nameof(Input), ct))
        {
            KeepSeen(form);
            return Page();
        }

        var reason = string.IsNullOrWhiteSpace(form.Reason) ? "Stock count" : form.Reason.Trim();
        var currency = (string.IsNullOrWhiteSpace(form.Currency) ? Item.Price.Currency : form.Currency).Trim().ToUpperInvariant();
        var result = await stock.SetPriceAndStockAsync(Item.Sku, FormNumbers.Amount(form.Price)!.Value, currency,
            FormNumbers.WholeNumber(form.OnHand), form.Seen(), new StockChangeContext(Actor, reason), ct);
        if (result.Outcome == StockChangeOutcome.ChangedMeanwhile)
        {
            // The form keeps what the merchant typed, now against the current values: saving again is a knowing change.
            ModelState.AddModelError(string.Empty, words.Of(result.Problem, "Nothing was saved."));
            return Page();
        }
        if (!result.Succeeded)
        {
            KeepSeen(form);
            // Inventory's own checks (the currency code, the reason): shown beside the field they concern.
            var field = result.Field is "Price" or "Currency" or "Reason" ? result.Field : nameof(PriceAndStockForm.OnHand);
            ModelState.AddModelError($"{nameof(Input)}.{field}", words.Of(result.Problem, "Nothing was saved."));
            return Page();
        }
        TempData.Notice($"{Item.Sku}: price and stock saved.");
        return RedirectToPage(new { sku = Item.Sku });
    }

    /// <summary>Adds or removes units (a delivery, damage, a recount) with a reason for the ledger.</summary>
    public async Task<IActionResult> OnPostAdjustAsync(CancellationToken ct)
    {
        var form = Adjustment;
        await LoadAsync(form.Sku, ct);
        if (Item is null) return Page();
        if (!await adjustmentRules.ValidateIntoAsync(form, ModelState, nameof(Adjustment), ct)) return Page();
        var units = FormNumbers.WholeNumber(form.Delta);
        var result = await stock.AdjustOnHandAsync(Item.Sku, units, new StockChangeContext(Actor, form.Reason ?? ""), ct);
        if (!result.Succeeded)
        {
            var field = result.Field is "Reason" ? nameof(AdjustmentForm.Reason) : nameof(AdjustmentForm.Delta);
            ModelState.AddModelError($"{nameof(Adjustment)}.{field}", words.Of(result.Problem, "Nothing was recorded."));
            return Page();
        }
        TempData.Notice($"{Item.Sku}: {units:+#;-#} units recorded.");
        return RedirectToPage(new { sku = Item.Sku });
    }

    /// <summary>Gives a cart's hold back to available stock.</summary>
    public async Task<IActionResult> OnPostReleaseAsync(string sku, string holder, CancellationToken ct)
    {
        var released = await holds.ReleaseAsync(holder ?? "", sku ?? "", ct);
        TempData.Outcome(released, released ? $"Hold of {holder} on {sku} released." : "That hold was already gone.");
        return RedirectToPage(new { sku = sku ?? "" });
    }

    private string Actor => User.Identity?.Name ?? "admin";

    /// <summary>After a refusal that is not about others' changes, the form still compares against what it was opened with.</summary>
    private void KeepSeen(PriceAndStockForm posted) =>
        (Input.WasPrice, Input.WasCurrency, Input.WasOnHand) = (posted.WasPrice, posted.WasCurrency, posted.WasOnHand);

    private async Task LoadAsync(string? sku, CancellationToken ct, int page = 1)
    {
        Sku = sku?.Trim();
        if (!string.IsNullOrEmpty(Sku) && Sku.Length <= 64)
        {
            Item = await stock.GetAsync(Sku, ct);
            if (Item is not null)
            {
                Ledger = await stock.LedgerAsync(Sku, 50, ct);
                Holds = await holds.HoldsAsync(Sku, ct);
                Product = (await catalog.ProductsBySkuAsync([Item.Sku], ct)).GetValueOrDefault(Item.Sku);
            }
        }
        LowStock = await LowStockList.ReadAsync(stock, catalog, page, LowStockPageSize, ct);
        // Both forms start from the saved values; after a refused post the fields show what was typed
        // (asp-for prefers the posted values kept in ModelState).
        if (Item is not null)
        {
            Input = new PriceAndStockForm
            {
                Sku = Item.Sku, Price = Item.Price.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                Currency = Item.Price.Currency, OnHand = Item.OnHand.ToString(CultureInfo.InvariantCulture),
            };
            (Input.WasPrice, Input.WasCurrency, Input.WasOnHand) = (Input.Price, Input.Currency, Input.OnHand);
            Adjustment = new AdjustmentForm { Sku = Item.Sku };
        }
    }
}
