using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Catalog.Contracts;

/// <summary>The problems the catalog reports (<see cref="Problem.Code"/>); the summary of a code names the values it carries.</summary>
[ProblemCodes]
public static class CatalogProblems
{
    public const string SkuRequired = "catalog.sku-required";
    public const string SkuInvalid = "catalog.sku-invalid";
    public const string SkuTaken = "catalog.sku-taken";
    public const string TitleRequired = "catalog.title-required";
    public const string TitleTooLong = "catalog.title-too-long";
    public const string SlugRequired = "catalog.slug-required";
    public const string SlugInvalid = "catalog.slug-invalid";
    public const string SlugTaken = "catalog.slug-taken";
    public const string BrandRequired = "catalog.brand-required";
    public const string BrandTooLong = "catalog.brand-too-long";
    public const string DescriptionTooLong = "catalog.description-too-long";
    public const string CategoryRequired = "catalog.category-required";
    public const string CategoryMissing = "catalog.category-missing";
    public const string AttributeTooLong = "catalog.attribute-too-long";
    /// <summary>key</summary>
    public const string NotAnAttribute = "catalog.not-an-attribute";
    /// <summary>options (a list)</summary>
    public const string AttributeChoice = "catalog.attribute-choice";
    /// <summary>label</summary>
    public const string AttributeNumber = "catalog.attribute-number";
    public const string PriceInvalid = "catalog.price-invalid";
    public const string OnHandInvalid = "catalog.on-hand-invalid";
    public const string StockNotSaved = "catalog.stock-not-saved";
    public const string ProductGone = "catalog.product-gone";
    /// <summary>The product was saved by someone else after the form was opened.</summary>
    public const string ProductChangedMeanwhile = "catalog.product-changed-meanwhile";
    /// <summary>max</summary>
    public const string PageTitleTooLong = "catalog.page-title-too-long";
    /// <summary>max</summary>
    public const string PageSummaryTooLong = "catalog.page-summary-too-long";
    /// <summary>max</summary>
    public const string PageBodyTooLong = "catalog.page-body-too-long";
    public const string PagePositionInvalid = "catalog.page-position-invalid";
    public const string PageSlugTaken = "catalog.page-slug-taken";
    public const string PageGone = "catalog.page-gone";
    /// <summary>The page was saved by someone else after the form was opened.</summary>
    public const string PageChangedMeanwhile = "catalog.page-changed-meanwhile";
    /// <summary>max</summary>
    public const string TooManyPages = "catalog.too-many-pages";
    public const string CategoryNameInvalid = "catalog.category-name-invalid";
    public const string CategoryNameNoLetters = "catalog.category-name-no-letters";
    public const string ParentMissing = "catalog.parent-missing";
    public const string ParentInsideItself = "catalog.parent-inside-itself";
    public const string CategoryGone = "catalog.category-gone";
    public const string RatingInvalid = "catalog.rating-invalid";
    public const string AuthorInvalid = "catalog.author-invalid";
    public const string ReviewTooLong = "catalog.review-too-long";
    public const string ImageEmpty = "catalog.image-empty";
    /// <summary>megabytes</summary>
    public const string ImageTooLargeSized = "catalog.image-too-large-sized";
    public const string ImageTooLarge = "catalog.image-too-large";
    public const string ImageType = "catalog.image-type";
    public const string ImageStoreUnavailable = "catalog.image-store-unavailable";
    public const string ImportEmpty = "catalog.import-empty";
    /// <summary>megabytes</summary>
    public const string ImportTooLarge = "catalog.import-too-large";
    public const string ImportNotUtf8 = "catalog.import-not-utf8";
    /// <summary>reason</summary>
    public const string ImportNotCsv = "catalog.import-not-csv";
    /// <summary>products</summary>
    public const string ImportTooManyProducts = "catalog.import-too-many-products";
    /// <summary>cells, columns</summary>
    public const string ImportCellCount = "catalog.import-cell-count";
    public const string ImportNoSkuColumn = "catalog.import-no-sku-column";
    public const string ImportColumnTwice = "catalog.import-column-twice";
    /// <summary>columns (a list)</summary>
    public const string ImportUnknownColumn = "catalog.import-unknown-column";
    /// <summary>line</summary>
    public const string ImportSkuTwice = "catalog.import-sku-twice";
    /// <summary>line</summary>
    public const string ImportSlugTwice = "catalog.import-slug-twice";
    /// <summary>sku</summary>
    public const string ImportSlugTaken = "catalog.import-slug-taken";
    /// <summary>category</summary>
    public const string ImportCategoryUnknown = "catalog.import-category-unknown";
    public const string ImportPublishedInvalid = "catalog.import-published-invalid";
    public const string ImportCreatedMeanwhile = "catalog.import-created-meanwhile";
    public const string ImportStockChangedMeanwhile = "catalog.import-stock-changed-meanwhile";
}
