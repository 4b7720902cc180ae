using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Html;
using Storefront.Catalog.Contracts;
using Storefront.Web.Components;

namespace Storefront.Web.Shopping;

/// <summary>
/// Grids of suggested products as HTML, each card rendered once by <see cref="ProductCard"/> and
/// reused for as long as the card it shows is (the cards of <see cref="ProductCards"/> live
/// <see cref="ProductCards.KeptFor"/>; a card read again is a new object and is rendered again). A
/// product page shows up to a dozen suggestions, and rendering their components on every view cost
/// more than the rest of the page.
/// </summary>
public sealed class CardHtml : IAsyncDisposable
{
    // The renderer lives as long as this instance, with its own scope for the services it asks for.
    private readonly AsyncServiceScope scope;
    private readonly HtmlRenderer renderer;
    private readonly ConditionalWeakTable<ProductSummary, string> rendered = [];

    public CardHtml(IServiceScopeFactory scopes, ILoggerFactory loggers)
    {
        scope = scopes.CreateAsyncScope();
        renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
    }

    /// <summary>The cards in a grid, the markup of <see cref="ProductGrid"/>.</summary>
    public async Task<IHtmlContent> GridAsync(IReadOnlyList<ProductSummary> products)
    {
        var html = new HtmlContentBuilder(products.Count + 2);
        html.AppendHtml("<div class=\"product-grid\">");
        foreach (var product in products) html.AppendHtml(rendered.TryGetValue(product, out var card) ? card : await RenderAsync(product));
        html.AppendHtml("</div>");
        return html;
    }

    private async Task<string> RenderAsync(ProductSummary product)
    {
        var card = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<ProductCard>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(ProductCard.Product)] = product }));
            return output.ToHtmlString();
        });
        rendered.AddOrUpdate(product, card);
        return card;
    }

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await scope.DisposeAsync();
    }
}
