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
    public const string NotArmed = "flashsale.not-armed";
    /// <summary>processing (purchases whose order is not made yet)</summary>
    public const string OrdersStillBeingMade = "flashsale.orders-still-being-made";
    public const string NotOverYet = "flashsale.not-over-yet";
    /// <summary>units</summary>
    public const string UnsoldReturned = "flashsale.unsold-returned";
    public const string NothingToReturn = "flashsale.nothing-to-return";

    // What shoppers are told.
    public const string SaleOver = "flashsale.sale-over";
    public const string NotAdmitted = "flashsale.not-admitted";
    public const string SoldOut = "flashsale.sold-out";
    public const string Busy = "flashsale.busy";
    /// <summary>limit</summary>
    public const string OverLimit = "flashsale.over-limit";
    public const string WindowExpired = "flashsale.window-expired";
    public const string PassForged = "flashsale.pass-forged";
    public const string PassExpired = "flashsale.pass-expired";
    public const string PassOfAnother = "flashsale.pass-of-another";
    public const string PassOfAnotherSale = "flashsale.pass-of-another-sale";
    /// <summary>The sale's quota in PostgreSQL had no unit for the order (its charge was refunded).</summary>
    public const string QuotaExhausted = "flashsale.quota-exhausted";

    // Reconciliation findings.
    /// <summary>processing</summary>
    public const string FindingProcessing = "flashsale.finding-processing";
    /// <summary>claimed, orders</summary>
    public const string FindingClaimsVersusOrders = "flashsale.finding-claims-versus-orders";
    /// <summary>orders, committed</summary>
    public const string FindingOrdersVersusStock = "flashsale.finding-orders-versus-stock";
    public const string FindingCountersGone = "flashsale.finding-counters-gone";
}
