using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Infrastructure;

/// <summary>Which reverse proxies may tell the store the client's address and scheme.</summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses trusted for X-Forwarded-For / X-Forwarded-Proto (loopback is always trusted).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as 172.16.0.0/12 for a Docker network.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Transport security, in one place: forwarded headers from the configured proxies only, the Host
/// header limited to the public address, Secure cookies, and HSTS with HTTPS redirection when the
/// public address is https — each outside Development (where the store runs on http://localhost).
/// A production store on a plain-HTTP address (a local docker compose) still serves its forms.
/// </summary>
internal static class WebSecurity
{
    public static IServiceCollection AddStorefrontWebSecurity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddStoreLinks();
        var forwarded = configuration.GetSection("Storefront:ForwardedHeaders").Get<ForwardedHeadersSettings>() ?? new();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // X-Forwarded-Host is not taken: links never come from the request's host anyway.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            foreach (var proxy in forwarded.KnownProxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip) ? ip
                    : throw new InvalidOperationException($"Storefront:ForwardedHeaders:KnownProxies has \"{proxy}\", which is not an IP address."));
            foreach (var network in forwarded.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                    : throw new InvalidOperationException($"Storefront:ForwardedHeaders:KnownNetworks has \"{network}\", which is not a network such as 10.0.0.0/8."));
        });

        var publicUrl = StoreLinksRegistration.PublicUrlOf(configuration);
        // With an https public address every page request arrives over HTTPS (plain HTTP is
        // redirected first), so the cookies are always Secure; otherwise they are Secure whenever the
        // request is, which behind a trusted TLS proxy is every request (X-Forwarded-Proto).
        // Antiforgery refuses to run at all on plain HTTP with "Always", so a plain-HTTP store (a
        // local docker compose) keeps working.
        var secure = !environment.IsDevelopment() && publicUrl?.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = secure);
        services.Configure<CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = secure);
        services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
            Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme, o => o.Cookie.SecurePolicy = secure);

        if (!environment.IsDevelopment() && publicUrl is not null)
        {
            // A request naming another host is refused, so nothing can be made to speak for a host
            // that is not ours. More names (a second domain) go in AllowedHosts, separated by ';'.
            services.PostConfigure<HostFilteringOptions>(o =>
            {
                var hosts = o.AllowedHosts.Where(h => h != "*").ToList();
                hosts.Add(publicUrl.Host);
                hosts.Add("localhost"); // health probes from inside the container
                o.AllowedHosts = hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            });
        }
        if (!environment.IsDevelopment() && publicUrl?.Scheme == Uri.UriSchemeHttps)
        {
            services.AddHsts(o =>
            {
                o.MaxAge = configuration.GetValue("Storefront:Hsts:MaxAge", TimeSpan.FromDays(365));
                o.IncludeSubDomains = configuration.GetValue("Storefront:Hsts:IncludeSubDomains", false);
            });
            services.AddHttpsRedirection(o =>
            {
                o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
                o.HttpsPort = publicUrl.Port;
            });
        }
        return services;
    }

    /// <summary>The first middleware of the pipeline.</summary>
    public static WebApplication UseStorefrontWebSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error");
        if (!app.Environment.IsDevelopment() && StoreLinksRegistration.PublicUrlOf(app.Configuration)?.Scheme == Uri.UriSchemeHttps)
        {
            // Health probes and the metrics scrape speak plain HTTP inside the container and are not redirected.
            var metrics = app.Services.GetRequiredService<MetricsSettings>().Path;
            app.UseWhen(c => !c.Request.Path.StartsWithSegments("/health") && !c.Request.Path.StartsWithSegments(metrics), https =>
            {
                https.UseHsts();
                https.UseHttpsRedirection();
            });
        }
        return app;
    }
}
