using Storefront.BuildingBlocks;
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
/// </summary>
public sealed record PricedCartLine(
    string Sku,
    string Title,
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
public static class CartMessages
{
    /// <summary>The line's problem, if any, then what changed since it was added.</summary>
    public static IReadOnlyList<string> Of(PricedCart cart, PricedCartLine line)
    {
        var messages = new List<string>();
        if (ProblemOf(cart, line) is { } problem) messages.Add(problem);
        else if (line.NoLongerHeld) messages.Add("We are no longer holding this for you, but it is still in stock.");
        // A line that cannot be sold at all, or not in this currency, has no price to compare.
        if (line.Problem is not (CartLineProblem.NotSold or CartLineProblem.OtherCurrency) && line.PriceChanged)
            messages.Add($"Price changed from {line.PriceWhenAdded} to {line.UnitPrice}.");
        return messages;
    }

    /// <summary>Why the line cannot be bought, or null when it can.</summary>
    public static string? ProblemOf(PricedCart cart, PricedCartLine line) => line.Problem switch
    {
        CartLineProblem.NotSold => "This product is no longer available. Please remove it.",
        CartLineProblem.OtherCurrency =>
            $"This product is priced in {line.UnitPrice?.Currency}, but the store charges in {cart.Subtotal.Currency}. Please remove it.",
        CartLineProblem.OutOfStock => "No longer available: this product is out of stock.",
        CartLineProblem.NotEnoughStock => $"Only {line.Available} left. Lower the quantity to buy it.",
        _ => null,
    };

    /// <summary>Every reason the cart cannot be checked out, one per line, naming the product.</summary>
    public static IReadOnlyList<string> ProblemsOf(PricedCart cart) =>
        cart.Lines.Where(l => !l.Purchasable).Select(l => $"{l.Title}: {ProblemOf(cart, l)}").ToList();
}
