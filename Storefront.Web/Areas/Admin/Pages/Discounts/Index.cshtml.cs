using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Discounts;

/// <summary>The merchant's discount codes: each with its use, a form for a new one, and ending or restarting a code.</summary>
public sealed class IndexModel(IDiscountCodes discounts, IValidator<IndexModel.DiscountForm> rules, OutcomeText words, TimeProvider clock) : PageModel
{
    /// <summary>A code as typed (numbers and times stay text until their rules pass).</summary>
    public sealed class DiscountForm
    {
        public string? Code { get; set; }
        public string Kind { get; set; } = nameof(DiscountKind.Percent);
        public string? Value { get; set; }
        public string? MinimumSubtotal { get; set; }
        public string? StartsAt { get; set; }
        public string? EndsAt { get; set; }
        public string? UsageLimit { get; set; }
        public bool OncePerCustomer { get; set; }
    }

    /// <summary>Only that each value reads as what it is; whether it makes a good code is the module's to say, beside the same fields.</summary>
    public sealed class DiscountFormRules : AbstractValidator<DiscountForm>
    {
        public DiscountFormRules()
        {
            RuleFor(f => f.Kind).Must(k => Enum.TryParse<DiscountKind>(k, out var kind) && Enum.IsDefined(kind))
                .WithMessage("Choose a percentage or an amount off.");
            RuleFor(f => f.Value).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("Enter how much the code takes off, such as 10.")
                .Must(v => FormNumbers.TryAmount(v, out _)).WithMessage("Enter how much the code takes off as a number, such as 10.");
            RuleFor(f => f.MinimumSubtotal).Must(v => FormNumbers.TryAmount(v, out _))
                .When(f => !string.IsNullOrWhiteSpace(f.MinimumSubtotal)).WithMessage("Enter the minimum as a number such as 50, or leave it empty.");
            RuleFor(f => f.StartsAt).UtcTime().When(f => !string.IsNullOrWhiteSpace(f.StartsAt));
            RuleFor(f => f.EndsAt).UtcTime().When(f => !string.IsNullOrWhiteSpace(f.EndsAt));
            RuleFor(f => f.UsageLimit).Must(v => FormNumbers.TryWhole(v, out _))
                .When(f => !string.IsNullOrWhiteSpace(f.UsageLimit)).WithMessage("Enter the limit as a whole number such as 100, or leave it empty.");
        }
    }

    [BindProperty] public DiscountForm Input { get; set; } = new();

    public IReadOnlyList<DiscountView> Codes { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (await rules.ValidateIntoAsync(Input, ModelState, nameof(Input), ct))
        {
            var limit = string.IsNullOrWhiteSpace(Input.UsageLimit) ? (int?)null
                : FormNumbers.TryWhole(Input.UsageLimit, out var n) && n is >= int.MinValue and <= int.MaxValue ? (int)n : int.MaxValue;
            var input = new DiscountInput(Input.Code ?? "", Enum.Parse<DiscountKind>(Input.Kind), FormNumbers.Amount(Input.Value)!.Value,
                FormNumbers.Amount(Input.MinimumSubtotal), Time(Input.StartsAt), Time(Input.EndsAt), limit, Input.OncePerCustomer);
            var result = await discounts.CreateAsync(input, ct);
            if (result.Succeeded)
            {
                TempData.Notice($"Discount code {DiscountCodeText.Normalize(input.Code)} created.");
                return RedirectToPage();
            }
            foreach (var (field, problem) in result.Errors) ModelState.AddModelError($"{nameof(Input)}.{field}", words.Of(problem));
        }
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostEndAsync(string code, CancellationToken ct) => SetActiveAsync(code, false, ct);

    public Task<IActionResult> OnPostRestartAsync(string code, CancellationToken ct) => SetActiveAsync(code, true, ct);

    private async Task<IActionResult> SetActiveAsync(string code, bool active, CancellationToken ct)
    {
        var normalized = DiscountCodeText.Normalize(code);
        if (await discounts.SetActiveAsync(normalized, active, ct))
            TempData.Notice(active ? $"Discount code {normalized} works again." : $"Discount code {normalized} has ended: no new order can use it.");
        else TempData.Problem($"There is no discount code {normalized}.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Codes = await discounts.ListAsync(ct);
    }

    private static DateTimeOffset? Time(string? text) => string.IsNullOrWhiteSpace(text) ? null : FormTimes.Utc(text);
}
