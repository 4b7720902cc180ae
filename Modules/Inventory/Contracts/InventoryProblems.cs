using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Inventory.Contracts;

/// <summary>The problems Inventory reports (<see cref="Problem.Code"/>), with the values each carries.</summary>
[ProblemCodes]
public static class InventoryProblems
{
    /// <summary>price (money), onHand: the values as they are now.</summary>
    public const string ChangedMeanwhile = "inventory.changed-meanwhile";
    public const string UnknownHolderOrSku = "inventory.unknown-holder-or-sku";
    /// <summary>max</summary>
    public const string QuantityOutOfRange = "inventory.quantity-out-of-range";
    public const string NoLongerSold = "inventory.no-longer-sold";
    public const string OutOfStock = "inventory.out-of-stock";
    /// <summary>available</summary>
    public const string OnlyLeft = "inventory.only-left";
    /// <summary>limit</summary>
    public const string HoldLimit = "inventory.hold-limit";
    public const string SkuInvalid = "inventory.sku-invalid";
    public const string AdjustmentZero = "inventory.adjustment-zero";
    public const string ReasonInvalid = "inventory.reason-invalid";
    /// <summary>sku</summary>
    public const string UnknownSku = "inventory.unknown-sku";
    /// <summary>onHand</summary>
    public const string BelowZero = "inventory.below-zero";
    /// <summary>reserved</summary>
    public const string BelowHeld = "inventory.below-held";
    public const string PriceInvalid = "inventory.price-invalid";
    public const string CurrencyInvalid = "inventory.currency-invalid";
    public const string StockInvalid = "inventory.stock-invalid";
    public const string AdjustmentTooLarge = "inventory.adjustment-too-large";
}
