using System.Text.RegularExpressions;
using FluentValidation;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Products;

internal sealed partial class ProductInputValidator : AbstractValidator<ProductInput>
{
    public ProductInputValidator()
    {
        RuleFor(p => p.Sku).NotEmpty().WithMessage("Enter a SKU.")
            .MaximumLength(64).Matches(SkuPattern()).WithMessage("A SKU uses letters, digits and dashes only (up to 64).");
        RuleFor(p => p.Title).NotEmpty().WithMessage("Enter a title.").MaximumLength(200);
        RuleFor(p => p.Slug).NotEmpty().WithMessage("Enter a URL slug.")
            .MaximumLength(200).Matches(SlugPattern()).WithMessage("A slug uses lower-case letters, digits and single dashes, e.g. blue-running-shoe.");
        RuleFor(p => p.Brand).NotEmpty().WithMessage("Enter a brand.").MaximumLength(100);
        RuleFor(p => p.Description).MaximumLength(10_000);
        RuleFor(p => p.CategoryId).GreaterThan(0).WithMessage("Choose a category.");
        RuleForEach(p => p.Attributes).Must(kv => kv.Value.Length <= 100)
            .WithMessage("Attribute values are at most 100 characters.");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
