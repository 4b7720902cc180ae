using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Cart.Contracts;

/// <summary>The problems the cart reports (<see cref="Problem.Code"/>); the summary of a code names the values it carries.</summary>
[ProblemCodes]
public static class CartProblems
{
    /// <summary>max</summary>
    public const string TooManyLines = "cart.too-many-lines";
    /// <summary>min, max</summary>
    public const string QuantityOutOfRange = "cart.quantity-out-of-range";
    /// <summary>max, current</summary>
    public const string LineFull = "cart.line-full";
    public const string UnknownProduct = "cart.unknown-product";
    public const string Busy = "cart.busy";
    public const string Frozen = "cart.frozen";
    public const string NotInCart = "cart.not-in-cart";
    public const string OutOfStock = "cart.out-of-stock";
    /// <summary>available</summary>
    public const string OnlyLeft = "cart.only-left";
    /// <summary>available, current</summary>
    public const string OnlyAvailableWithCurrent = "cart.only-available-with-current";
    /// <summary>most</summary>
    public const string HoldLimit = "cart.hold-limit";
    /// <summary>most, current</summary>
    public const string HoldLimitWithCurrent = "cart.hold-limit-with-current";
    public const string NetworkShareUsed = "cart.network-share-used";
    public const string NetworkCarts = "cart.network-carts";
    /// <summary>max</summary>
    public const string NetworkUnits = "cart.network-units";
    /// <summary>max</summary>
    public const string NetworkLimitedLines = "cart.network-limited-lines";

    // Merging an anonymous cart into the shopper's at sign-in.
    public const string MergeFrozen = "cart.merge-frozen";
    public const string MergeCartFull = "cart.merge-cart-full";
    /// <summary>got</summary>
    public const string MergeKeptWhileLimited = "cart.merge-kept-while-limited";
    public const string MergeSoldOut = "cart.merge-sold-out";
    /// <summary>got</summary>
    public const string MergeKept = "cart.merge-kept";

    // Lines of a priced cart.
    public const string LineNotSold = "cart.line-not-sold";
    /// <summary>currency, storeCurrency</summary>
    public const string LineOtherCurrency = "cart.line-other-currency";
    public const string LineOutOfStock = "cart.line-out-of-stock";
    /// <summary>available</summary>
    public const string LineNotEnoughStock = "cart.line-not-enough-stock";
    public const string LineNoLongerHeld = "cart.line-no-longer-held";
    /// <summary>was, now</summary>
    public const string LinePriceChanged = "cart.line-price-changed";
    /// <summary>title, problem (the line's problem)</summary>
    public const string LineCannotBeBought = "cart.line-cannot-be-bought";
    /// <summary>What a line whose product the catalog no longer has is called, in place of its title.</summary>
    public const string NoLongerSoldTitle = "cart.no-longer-sold-title";
}
