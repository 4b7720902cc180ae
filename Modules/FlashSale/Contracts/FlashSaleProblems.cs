using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.FlashSale.Contracts;

/// <summary>The problems FlashSale reports (<see cref="Problem.Code"/>), with the values each carries.</summary>
[ProblemCodes]
public static class FlashSaleProblems
{
    public const string SlugInvalid = "flashsale.slug-invalid";
    public const string SlugTaken = "flashsale.slug-taken";
    /// <summary>sku</summary>
    public const string UnknownSku = "flashsale.unknown-sku";
    public const string StartInPast = "flashsale.start-in-past";
    public const string EndNotAfterStart = "flashsale.end-not-after-start";
    public const string UnitsInvalid = "flashsale.units-invalid";
    /// <summary>available</summary>
    public const string UnitsAboveStock = "flashsale.units-above-stock";
    public const string PriceInvalid = "flashsale.price-invalid";
    public const string LimitInvalid = "flashsale.limit-invalid";
    public const string AdmissionRateInvalid = "flashsale.admission-rate-invalid";
    public const string PurchaseWindowInvalid = "flashsale.purchase-window-invalid";
    /// <summary>slug (of the sale already running then)</summary>
    public const string Overlaps = "flashsale.overlaps";
    public const string SaleGone = "flashsale.sale-gone";
    public const string NotDraft = "flashsale.not-draft";
    public const string Ended = "flashsale.ended";
    /// <summary>units, available</summary>
    public const string StockGone = "flashsale.stock-gone";
}
