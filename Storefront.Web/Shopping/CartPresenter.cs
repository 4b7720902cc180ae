using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>A cart line as the shopper sees it, with whatever they need to know about it.</summary>
public sealed record CartLineView(
    string Sku,
    string Title,
    string? Slug,
    ProductImage? Image,
    int Quantity,
    Money? UnitPrice,
    Money? PriceWhenAdded,
    int Available,
    DateTimeOffset? HeldUntil,
    bool Purchasable,
    IReadOnlyList<string> Messages)
{
    public Money? LineTotal => UnitPrice is { } p ? new Money(p.Amount * Quantity, p.Currency) : null;

    public bool PriceChanged => PriceWhenAdded is { } was && UnitPrice is { } now && was != now;
}

public sealed record CartView(Guid? CartId, IReadOnlyList<CartLineView> Lines, Money? Subtotal, DateTimeOffset Now, bool HoldsEnabled)
{
    public static CartView Empty(DateTimeOffset now, bool holds) => new(null, [], null, now, holds);

    public int ItemCount => Lines.Sum(l => l.Quantity);

    /// <summary>When the first of the cart's holds runs out, if any are live.</summary>
    public DateTimeOffset? HeldUntil => Lines.Where(l => l.HeldUntil is not null).Min(l => l.HeldUntil);

    public bool CanCheckOut => Lines.Count > 0 && Lines.All(l => l.Purchasable);
}

/// <summary>
/// Puts a cart together with the catalog (titles, pictures), current prices, what is free to buy
/// and the cart's own stock holds, and says what changed since each line was added.
/// </summary>
public sealed class CartPresenter(
    ICarts carts,
    ICatalogQueries catalog,
    IPricesAndStock prices,
    IStockReservations holds,
    IOptions<ReservationOptions> holdOptions,
    TimeProvider clock)
{
    public async Task<CartView> PresentAsync(Guid? cartId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var holdsOn = holdOptions.Value.Enabled;
        if (cartId is not { } id) return CartView.Empty(now, holdsOn);
        var cart = await carts.GetAsync(id, ct);
        if (cart.Lines.Count == 0) return new(id, [], null, now, holdsOn);

        var skus = cart.Lines.Select(l => l.Sku).ToArray();
        var products = await catalog.GetProductsBySkuAsync(skus, ct);
        var stock = await prices.GetManyAsync(skus, ct);
        var free = await holds.AvailabilityAsync(skus, ct);
        var held = holdsOn ? await holds.HoldsOfAsync(CartHolds.HolderOf(id), ct) : new Dictionary<string, HoldView>();

        var lines = new List<CartLineView>(cart.Lines.Count);
        foreach (var line in cart.Lines)
        {
            products.TryGetValue(line.Sku, out var product);
            stock.TryGetValue(line.Sku, out var item);
            var hold = held.GetValueOrDefault(line.Sku);
            var messages = new List<string>();
            if (product is null || item is null)
            {
                messages.Add("This product is no longer available. Please remove it.");
                lines.Add(new(line.Sku, product?.Title ?? "Product no longer sold", product?.Slug, product?.Image, line.Quantity,
                    null, line.PriceWhenAdded, 0, null, false, messages));
                continue;
            }
            // What this cart could have: everyone's free units plus the units it already holds.
            var couldHave = free.GetValueOrDefault(line.Sku) + (hold?.Quantity ?? 0);
            var heldInFull = hold is not null && hold.Quantity >= line.Quantity;
            var purchasable = heldInFull || couldHave >= line.Quantity;
            if (!purchasable)
                messages.Add(couldHave == 0 ? "No longer available: this product is out of stock." : $"Only {couldHave} left. Lower the quantity to buy it.");
            else if (holdsOn && !heldInFull)
                messages.Add("We are no longer holding this for you, but it is still in stock.");
            if (line.PriceWhenAdded is { } was && was != item.Price)
                messages.Add($"Price changed from {was} to {item.Price}.");
            lines.Add(new(line.Sku, product.Title, product.Slug, product.Image, line.Quantity, item.Price, line.PriceWhenAdded,
                couldHave, heldInFull ? hold!.ExpiresAt : null, purchasable, messages));
        }

        var counted = lines.Where(l => l.Purchasable && l.UnitPrice is not null).ToList();
        Money? subtotal = counted.Count == 0 ? null
            : new Money(counted.Where(l => l.UnitPrice!.Value.Currency == counted[0].UnitPrice!.Value.Currency).Sum(l => l.LineTotal!.Value.Amount),
                counted[0].UnitPrice!.Value.Currency);
        return new(id, lines, subtotal, now, holdsOn);
    }
}
