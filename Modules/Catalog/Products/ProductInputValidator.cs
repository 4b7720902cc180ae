using System.Text.RegularExpressions;
using FluentValidation;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Products;

/// <summary>Every rule carries a <see cref="CatalogProblems"/> code as its error code; the host words it.</summary>
internal sealed partial class ProductInputValidator : AbstractValidator<ProductInput>
{
    public ProductInputValidator()
    {
        RuleFor(p => p.Sku).NotEmpty().WithErrorCode(CatalogProblems.SkuRequired)
            .MaximumLength(64).WithErrorCode(CatalogProblems.SkuInvalid)
            .Matches(SkuPattern()).WithErrorCode(CatalogProblems.SkuInvalid);
        RuleFor(p => p.Title).NotEmpty().WithErrorCode(CatalogProblems.TitleRequired)
            .MaximumLength(200).WithErrorCode(CatalogProblems.TitleTooLong);
        RuleFor(p => p.Slug).NotEmpty().WithErrorCode(CatalogProblems.SlugRequired)
            .MaximumLength(200).WithErrorCode(CatalogProblems.SlugInvalid)
            .Matches(SlugPattern()).WithErrorCode(CatalogProblems.SlugInvalid);
        RuleFor(p => p.Brand).NotEmpty().WithErrorCode(CatalogProblems.BrandRequired)
            .MaximumLength(100).WithErrorCode(CatalogProblems.BrandTooLong);
        RuleFor(p => p.Description).MaximumLength(10_000).WithErrorCode(CatalogProblems.DescriptionTooLong);
        RuleFor(p => p.CategoryId).GreaterThan(0).WithErrorCode(CatalogProblems.CategoryRequired);
        RuleForEach(p => p.Attributes).Must(kv => kv.Value.Length <= 100).WithErrorCode(CatalogProblems.AttributeTooLong);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
