using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// The in-memory test server gives requests no remote address. A fixture that registers this filter
/// lets each request name its own with the <see cref="Header"/> header, as if it came from that address.
/// </summary>
public sealed class ClientAddressStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers[Header] is [{ } value] && IPAddress.TryParse(value, out var address))
                context.Connection.RemoteIpAddress = address;
            return following(context);
        });
        next(app);
    };
}
