using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Renders a Razor component to an HTML string outside any request (an e-mail's HTML part), with
/// the component's encoding of every value it shows.
/// </summary>
public sealed class ComponentHtml : IAsyncDisposable
{
    private readonly AsyncServiceScope scope;
    private readonly HtmlRenderer renderer;

    public ComponentHtml(IServiceScopeFactory scopes, ILoggerFactory loggers)
    {
        scope = scopes.CreateAsyncScope();
        renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
    }

    public Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await scope.DisposeAsync();
    }
}
