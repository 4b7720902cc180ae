using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Cart.Pricing;

/// <summary>
/// Prices a cart from Inventory (the price that will be charged, what is free to buy and the cart's
/// own holds) and the catalog (whether the product is sold, its title and picture). Prices come from
/// Inventory rather than the catalog's listing copy, which follows it through events and may lag.
/// </summary>
internal sealed class CartPricing(
    ICarts carts,
    ICatalogQueries catalog,
    IPricesAndStock prices,
    IStockReservations holds,
    IOptions<ReservationOptions> holdOptions,
    IOptions<StoreCurrencyOptions> store,
    TimeProvider clock) : ICartPricing
{
    public async Task<PricedCart> PriceAsync(Guid? cartId, CancellationToken ct)
    {
        if (cartId is not { } id) return new(null, [], new Money(0m, store.Value.Currency), clock.GetUtcNow(), holdOptions.Value.Enabled);
        return await PriceAsync(await carts.GetAsync(id, ct), ct);
    }

    public async Task<PricedCart> PriceAsync(CartSnapshot cart, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var holdsOn = holdOptions.Value.Enabled;
        var currency = store.Value.Currency;
        if (cart.Lines.Count == 0) return new(cart.Id, [], new Money(0m, currency), now, holdsOn);

        var skus = cart.Lines.Select(l => l.Sku).ToArray();
        var products = await catalog.GetProductsBySkuAsync(skus, ct);
        var stock = await prices.GetManyAsync(skus, ct);
        var free = await holds.AvailabilityAsync(skus, ct);
        var held = holdsOn ? await holds.HoldsOfAsync(CartHolds.HolderOf(cart.Id), ct) : new Dictionary<string, HoldView>();

        var lines = new List<PricedCartLine>(cart.Lines.Count);
        foreach (var line in cart.Lines)
        {
            products.TryGetValue(line.Sku, out var product);
            stock.TryGetValue(line.Sku, out var item);
            if (product is null || item is null)
            {
                lines.Add(new(line.Sku, product?.Title, product?.Slug, product?.Image, line.Quantity,
                    null, line.PriceWhenAdded, 0, null, CartLineProblem.NotSold, false));
                continue;
            }
            var hold = held.GetValueOrDefault(line.Sku);
            var couldHave = free.GetValueOrDefault(line.Sku) + (hold?.Quantity ?? 0);
            var heldInFull = hold is not null && hold.Quantity >= line.Quantity;
            var problem = item.Price.Currency != currency ? CartLineProblem.OtherCurrency
                : heldInFull || couldHave >= line.Quantity ? CartLineProblem.None
                : couldHave == 0 ? CartLineProblem.OutOfStock
                : CartLineProblem.NotEnoughStock;
            lines.Add(new(line.Sku, product.Title, product.Slug, product.Image, line.Quantity, item.Price, line.PriceWhenAdded,
                couldHave, heldInFull ? hold!.ExpiresAt : null, problem, holdsOn && problem == CartLineProblem.None && !heldInFull)
            {
                WeightKg = product.WeightKg,
            });
        }
        // Only lines that can be bought count, and all of them are in the store's currency.
        var subtotal = lines.Where(l => l.Purchasable).Sum(l => l.LineTotal!.Value.Amount);
        return new(cart.Id, lines, new Money(subtotal, currency), now, holdsOn);
    }
}
