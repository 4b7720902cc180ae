using Microsoft.Extensions.Caching.Memory;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// The cards of suggested products (title, picture, price, stock), reused by this instance for
/// <see cref="KeptFor"/>: a product page shows up to a dozen of them, and reading them for every
/// view would cost more than the page itself. Which products are suggested is always read fresh; a
/// card's price or stock a few seconds late only decides whether the suggestion shows (adding one to
/// the cart checks its stock again). A product that is not published is remembered as missing.
/// </summary>
public sealed class ProductCards(ICatalogQueries catalog, IMemoryCache memory)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(30);

    private static string Key(string sku) => "product-card:" + sku;

    /// <summary>Drops this instance's card of a product (its price, stock or rating changed).</summary>
    public static void Forget(IMemoryCache memory, string sku) => memory.Remove(Key(sku));

    public async Task<IReadOnlyDictionary<string, ProductSummary>> GetAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var found = new Dictionary<string, ProductSummary>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var sku in skus.Distinct(StringComparer.Ordinal))
        {
            if (!memory.TryGetValue(Key(sku), out ProductSummary? card)) missing.Add(sku);
            else if (card is not null) found[sku] = card;
        }
        if (missing.Count == 0) return found;
        var read = await catalog.GetProductsBySkuAsync(missing, ct);
        foreach (var sku in missing)
        {
            var card = read.GetValueOrDefault(sku);
            memory.Set(Key(sku), card, KeptFor);
            if (card is not null) found[sku] = card;
        }
        return found;
    }
}
