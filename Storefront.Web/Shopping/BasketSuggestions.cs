using Storefront.Catalog.Contracts;
using Storefront.Recommendations.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// "Complete your order" on the cart page and "for your next visit" on an order: the recommendations
/// of a basket's products combined, published and in stock, never what the basket already holds.
/// A suggestion, not the page: should it fail, the page is shown without it.
/// </summary>
public sealed partial class BasketSuggestions(IRecommendations recommendations, ProductCards cards, ILogger<BasketSuggestions> logger)
{
    public async Task<IReadOnlyList<ProductSummary>> ForAsync(IReadOnlyCollection<string> skus, int take, CancellationToken ct)
    {
        if (skus.Count == 0) return [];
        try
        {
            var list = await recommendations.ForBasketAsync(skus, ct);
            if (list.Count == 0) return [];
            var products = await cards.GetAsync(list.Select(r => r.Sku).ToList(), ct);
            return list.Where(r => !skus.Contains(r.Sku)).Select(r => products.GetValueOrDefault(r.Sku))
                .OfType<ProductSummary>().Where(p => p.Available > 0).Take(take).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, skus.Count);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suggestions for a basket of {Count} products could not be read; the page is shown without them")]
    private partial void LogFailed(Exception exception, int count);
}
