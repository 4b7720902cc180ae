using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Inventory.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Stock;

public sealed class IndexModel(IPricesAndStock stock, IStockReservations holds) : PageModel
{
    public string? Sku { get; private set; }
    public SkuStock? Item { get; private set; }
    public IReadOnlyList<SkuStock> LowStock { get; private set; } = [];
    public string? PriceError { get; private set; }
    public string? OnHandError { get; private set; }
    public string? PriceValue { get; private set; }
    public string? OnHandValue { get; private set; }
    public string? ReasonError { get; private set; }
    public IReadOnlyList<StockLedgerLine> Ledger { get; private set; } = [];
    public IReadOnlyList<HoldView> Holds { get; private set; } = [];
    public string? AdjustError { get; private set; }

    public async Task OnGetAsync(string? sku, CancellationToken ct) => await LoadAsync(sku, ct);

    public async Task<IActionResult> OnPostAsync(string sku, string? price, string? currency, string? onHand, string? reason, CancellationToken ct)
    {
        await LoadAsync(sku, ct);
        if (Item is null) return Page();
        (PriceValue, OnHandValue) = (price, onHand);
        if (!decimal.TryParse(price, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            PriceError = "Enter a price such as 19.99.";
        if (!int.TryParse(onHand, NumberStyles.Integer, CultureInfo.InvariantCulture, out var units))
            OnHandError = "Enter the units on hand as a whole number.";
        if (PriceError is not null || OnHandError is not null) return Page();

        var context = new StockChangeContext(User.Identity?.Name ?? "admin", string.IsNullOrWhiteSpace(reason) ? "Stock count" : reason.Trim());
        var result = await stock.SetPriceAndStockAsync(sku, amount, (currency ?? Item.Price.Currency).Trim().ToUpperInvariant(), units, context, ct);
        if (!result.Succeeded)
        {
            if (result.Field is "Price" or "Currency") PriceError = result.Message;
            else if (result.Field is "Reason") ReasonError = result.Message;
            else OnHandError = result.Message;
            return Page();
        }
        TempData.Notice($"{sku}: price and stock saved.");
        return Redirect($"/admin/stock?sku={Uri.EscapeDataString(sku)}");
    }

    /// <summary>Adds or removes units (a delivery, damage, a recount) with a reason for the ledger.</summary>
    public async Task<IActionResult> OnPostAdjustAsync(string sku, string? delta, string? reason, CancellationToken ct)
    {
        await LoadAsync(sku, ct);
        if (Item is null) return Page();
        if (!int.TryParse(delta, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var units))
        {
            AdjustError = "Enter a whole number of units, such as 12 or -3.";
            return Page();
        }
        var result = await stock.AdjustOnHandAsync(sku, units, new StockChangeContext(User.Identity?.Name ?? "admin", reason ?? ""), ct);
        if (!result.Succeeded)
        {
            AdjustError = result.Message;
            return Page();
        }
        TempData.Notice($"{sku}: {units:+#;-#} units recorded.");
        return Redirect($"/admin/stock?sku={Uri.EscapeDataString(sku)}");
    }

    /// <summary>Gives a cart's hold back to available stock.</summary>
    public async Task<IActionResult> OnPostReleaseAsync(string sku, string holder, CancellationToken ct)
    {
        var released = await holds.ReleaseAsync(holder ?? "", sku ?? "", ct);
        TempData.Outcome(released, released ? $"Hold of {holder} on {sku} released." : "That hold was already gone.");
        return Redirect($"/admin/stock?sku={Uri.EscapeDataString(sku ?? "")}");
    }

    private async Task LoadAsync(string? sku, CancellationToken ct)
    {
        Sku = sku?.Trim();
        if (!string.IsNullOrEmpty(Sku) && Sku.Length <= 64)
        {
            Item = await stock.GetAsync(Sku, ct);
            if (Item is not null)
            {
                Ledger = await stock.LedgerAsync(Sku, 50, ct);
                Holds = await holds.HoldsAsync(Sku, ct);
            }
        }
        LowStock = await stock.LowStockAsync(5, 50, ct);
        PriceValue = Item?.Price.Amount.ToString("0.00", CultureInfo.InvariantCulture);
        OnHandValue = Item?.OnHand.ToString(CultureInfo.InvariantCulture);
    }
}
