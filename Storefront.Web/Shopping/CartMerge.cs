using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Storefront.Catalog.Contracts;
using Storefront.Web.Pages.Cart;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>Signs a shopper's cart in, and tells them what became of the cart they had before.</summary>
public sealed class CartMerge(ShopperCart cart, ICatalogQueries catalog, OutcomeText words)
{
    public async Task SignedInAsync(string userId, ITempDataDictionary tempData, CancellationToken ct)
    {
        var merged = await cart.SignedInAsync(userId, ct);
        if (merged.Lines.Count == 0) return;
        var shortfalls = merged.Shortfalls.ToList();
        if (shortfalls.Count == 0)
        {
            tempData.Notice("The items you added before signing in are now in your cart.");
            return;
        }
        var titles = await catalog.GetProductsBySkuAsync(shortfalls.Select(l => l.Sku).ToList(), ct);
        tempData.Problem("The items you added before signing in are now in your cart, with changes: " +
            string.Join(" ", shortfalls.Select(l => $"{(titles.TryGetValue(l.Sku, out var p) ? p.Title : l.Sku)}: {words.Of(l.Problem, null)}")));
    }
}
