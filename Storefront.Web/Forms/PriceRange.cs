using FluentValidation;

namespace Storefront.Web.Forms;

/// <summary>A price filter from a listing's address (<c>?min=…&amp;max=…</c>), either end optional.</summary>
public sealed class PriceRange
{
    public string? Min { get; set; }
    public string? Max { get; set; }

    /// <summary>The lower end once the rules have passed.</summary>
    public decimal? Lowest => FormNumbers.Amount(Min);

    /// <summary>The upper end once the rules have passed.</summary>
    public decimal? Highest => FormNumbers.Amount(Max);
}

public sealed class PriceRangeRules : AbstractValidator<PriceRange>
{
    public PriceRangeRules()
    {
        RuleFor(r => r.Min).Price().When(r => !string.IsNullOrWhiteSpace(r.Min));
        RuleFor(r => r.Max).Price().When(r => !string.IsNullOrWhiteSpace(r.Max));
        RuleFor(r => r.Max).Must((r, _) => r.Lowest <= r.Highest).WithMessage("The lowest price is above the highest one.")
            .When(r => FormNumbers.TryAmount(r.Min, out _) && FormNumbers.TryAmount(r.Max, out _));
    }
}
