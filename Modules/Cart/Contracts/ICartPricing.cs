using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;

namespace Storefront.Cart.Contracts;

/// <summary>Why a cart line cannot be bought as it is; the first that applies, in this order.</summary>
public enum CartLineProblem
{
    None,

    /// <summary>The product is unpublished or gone, or has no price.</summary>
    NotSold,

    /// <summary>Priced in another currency than the store's (<c>Storefront:Currency</c>).</summary>
    OtherCurrency,

    OutOfStock,

    /// <summary>Fewer units than the line's quantity: <see cref="PricedCartLine.Available"/> says how many.</summary>
    NotEnoughStock,
}

/// <summary>
/// A cart line priced now. <see cref="Available"/> is what this cart could have: the units free for
/// everyone plus those it holds. <see cref="NoLongerHeld"/>: buyable, but its hold ran out.
/// <see cref="Title"/> is null when the catalog no longer has the product: the host says so in its
/// own words (<see cref="CartProblems.NoLongerSoldTitle"/>).
/// </summary>
public sealed record PricedCartLine(
    string Sku,
    string? Title,
    string? Slug,
    ProductImage? Image,
    int Quantity,
    Money? UnitPrice,
    Money? PriceWhenAdded,
    int Available,
    DateTimeOffset? HeldUntil,
    CartLineProblem Problem,
    bool NoLongerHeld)
{
    /// <summary>The product's shipping weight ("weight_kg"), when it has one.</summary>
    public decimal? WeightKg { get; init; }

    public bool Purchasable => Problem == CartLineProblem.None;

    public Money? LineTotal => UnitPrice is { } p ? new Money(p.Amount * Quantity, p.Currency) : null;

    public bool PriceChanged => PriceWhenAdded is { } was && UnitPrice is { } now && was != now;
}

/// <summary>
/// A cart as the shopper sees it and as checkout charges it: every line with its current price and
/// problem, and the subtotal (in the store's currency) of the lines that can be bought.
/// </summary>
public sealed record PricedCart(Guid? CartId, IReadOnlyList<PricedCartLine> Lines, Money Subtotal, DateTimeOffset Now, bool HoldsEnabled)
{
    public int ItemCount => Lines.Sum(l => l.Quantity);

    /// <summary>When the first of the cart's holds runs out, if any are live.</summary>
    public DateTimeOffset? HeldUntil => Lines.Where(l => l.HeldUntil is not null).Min(l => l.HeldUntil);

    /// <summary>Every line can be bought as it is: the cart page offers checkout, and checkout charges it.</summary>
    public bool CanCheckOut => Lines.Count > 0 && Lines.All(l => l.Purchasable);

    public IEnumerable<PricedCartLine> Purchasable => Lines.Where(l => l.Purchasable);
}

/// <summary>
/// The one rule for what a cart costs and what in it can be bought, used by the cart page, the
/// header and checkout alike: current prices and availability from Inventory, titles and pictures
/// from the catalog, the cart's own holds.
/// </summary>
public interface ICartPricing
{
    /// <summary>The cart priced now; no cart, or an unknown one, has no lines.</summary>
    Task<PricedCart> PriceAsync(Guid? cartId, CancellationToken cancellationToken);

    /// <summary>Prices lines already read (checkout prices exactly the cart it froze).</summary>
    Task<PricedCart> PriceAsync(CartSnapshot cart, CancellationToken cancellationToken);
}

/// <summary>What the shopper is told about a priced cart, in one place for the cart page and checkout.</summary>
public static class CartNotices
{
    /// <summary>The line's problem, if any, then what changed since it was added.</summary>
    public static IReadOnlyList<Problem> Of(PricedCart cart, PricedCartLine line)
    {
        var notices = new List<Problem>();
        if (ProblemOf(cart, line) is { } problem) notices.Add(problem);
        else if (line.NoLongerHeld) notices.Add(Problem.Of(CartProblems.LineNoLongerHeld));
        // A line that cannot be sold at all, or not in this currency, has no price to compare.
        if (line.Problem is not (CartLineProblem.NotSold or CartLineProblem.OtherCurrency) && line.PriceChanged)
            notices.Add(Problem.Of(CartProblems.LinePriceChanged, ("was", line.PriceWhenAdded), ("now", line.UnitPrice)));
        return notices;
    }

    /// <summary>Why the line cannot be bought, or null when it can.</summary>
    public static Problem? ProblemOf(PricedCart cart, PricedCartLine line) => line.Problem switch
    {
        CartLineProblem.NotSold => Problem.Of(CartProblems.LineNotSold),
        CartLineProblem.OtherCurrency => Problem.Of(CartProblems.LineOtherCurrency,
            ("currency", line.UnitPrice?.Currency), ("storeCurrency", cart.Subtotal.Currency)),
        CartLineProblem.OutOfStock => Problem.Of(CartProblems.LineOutOfStock),
        CartLineProblem.NotEnoughStock => Problem.Of(CartProblems.LineNotEnoughStock, ("available", line.Available)),
        _ => null,
    };

    /// <summary>Every reason the cart cannot be checked out, one per line, naming the product.</summary>
    public static IReadOnlyList<Problem> ProblemsOf(PricedCart cart) =>
        cart.Lines.Where(l => !l.Purchasable)
            .Select(l => Problem.Of(CartProblems.LineCannotBeBought, ("title", (object?)l.Title ?? Problem.Of(CartProblems.NoLongerSoldTitle)),
                ("problem", ProblemOf(cart, l)))).ToList();
}

