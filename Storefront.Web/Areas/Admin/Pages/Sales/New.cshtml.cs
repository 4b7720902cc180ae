using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.FlashSale.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Sales;

public sealed class NewModel(IFlashSaleAdmin sales, IValidator<NewModel.SaleForm> rules, OutcomeText words, TimeProvider clock) : PageModel
{
    /// <summary>A sale as typed (numbers and times stay text until their rules pass).</summary>
    public sealed class SaleForm
    {
        public string Slug { get; set; } = "";
        public string Sku { get; set; } = "";
        public string? Units { get; set; }
        public string? Price { get; set; }
        public string? StartsAt { get; set; }
        public string? EndsAt { get; set; }
        public string? LimitPerCustomer { get; set; }
        public string? AdmissionPerMinute { get; set; }
        public string? PurchaseWindowMinutes { get; set; }
        public bool GuestsAllowed { get; set; }
    }

    /// <summary>
    /// Only that each value reads as what it is; whether it makes a good sale (a start in the future,
    /// a price above 0, units in stock) is the module's to say, beside the same fields.
    /// </summary>
    public sealed class SaleRules : AbstractValidator<SaleForm>
    {
        public SaleRules()
        {
            RuleFor(f => f.Units).WholeNumber(1, StockLimits.MaxOnHand, "units for the sale");
            RuleFor(f => f.Price).Price();
            RuleFor(f => f.StartsAt).UtcTime();
            RuleFor(f => f.EndsAt).UtcTime();
            RuleFor(f => f.LimitPerCustomer).WholeNumber(1, ValueRules.MaxQuantity, "limit per customer");
            RuleFor(f => f.AdmissionPerMinute).WholeNumber(1, 100_000, "shoppers let in per minute");
            RuleFor(f => f.PurchaseWindowMinutes).WholeNumber(1, 60, "purchase window in minutes");
        }
    }

    /// <summary>The module's field names, where the form's differ.</summary>
    private static readonly Dictionary<string, string> FormFields = new(StringComparer.Ordinal)
    {
        [nameof(SaleInput.PurchaseWindow)] = nameof(SaleForm.PurchaseWindowMinutes),
    };

    [BindProperty] public SaleForm Input { get; set; } = new();

    public void OnGet()
    {
        // A start on the next full hour, an hour long, with the defaults of a sale.
        var now = clock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        Input = new SaleForm
        {
            StartsAt = FormTimes.Field(start),
            EndsAt = FormTimes.Field(start.AddHours(1)),
            LimitPerCustomer = "1",
            AdmissionPerMinute = "1000",
            PurchaseWindowMinutes = ((int)SaleInput.DefaultPurchaseWindow.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await rules.ValidateIntoAsync(Input, ModelState, nameof(Input), ct)) return Page();

        var input = new SaleInput(Input.Slug ?? "", Input.Sku ?? "", FormNumbers.WholeNumber(Input.Units), FormNumbers.Amount(Input.Price)!.Value,
            FormTimes.Utc(Input.StartsAt), FormTimes.Utc(Input.EndsAt), FormNumbers.WholeNumber(Input.AdmissionPerMinute),
            FormNumbers.WholeNumber(Input.LimitPerCustomer), TimeSpan.FromMinutes(FormNumbers.WholeNumber(Input.PurchaseWindowMinutes)),
            Input.GuestsAllowed);
        var result = await sales.CreateAsync(input, ct);
        if (!result.Succeeded)
        {
            foreach (var (field, problems) in result.Errors)
                foreach (var problem in problems)
                    ModelState.AddModelError($"{nameof(Input)}.{FormFields.GetValueOrDefault(field, field)}", words.Of(problem));
            return Page();
        }
        TempData.Notice($"Sale {input.Slug.Trim()} created as a draft: arm it to set its units aside.");
        return RedirectToPage("Details", new { id = result.Value });
    }
}
