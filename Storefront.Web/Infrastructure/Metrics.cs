using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Storefront.Web.Infrastructure;

/// <summary>What an operator's Prometheus may read, and from where (section <c>Metrics</c>).</summary>
public sealed class MetricsSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape address.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Networks (such as 10.0.0.0/8) whose direct connections may read the metrics without a token;
    /// the loopback always may. A request a proxy forwarded never counts as direct.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>When set, a request with <c>Authorization: Bearer</c> and this token may read them from anywhere.</summary>
    public string? Token { get; set; }
}

/// <summary>
/// The store's numbers for an operator, in Prometheus' text format at <c>/metrics</c>: requests by
/// route and status (ASP.NET Core's own meters), the runtime, PostgreSQL connections (Npgsql), and
/// the store's own meters, named <c>Storefront.*</c> (<see cref="HostMetrics"/>,
/// <see cref="JobMetrics"/> and the modules'). Nothing in them names a shopper: their labels are
/// routes, outcomes, states, consumers and dependencies.
/// </summary>
public static class Metrics
{
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Diagnostics", "System.Runtime", "System.Net.Http", "Npgsql",
    ];

    public static IServiceCollection AddStorefrontMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Metrics").Get<MetricsSettings>() ?? new MetricsSettings();
        services.AddSingleton(settings);
        if (!settings.Enabled) return services;
        services.AddSingleton<JobMetrics>();
        if (!settings.Path.StartsWith('/')) throw new InvalidOperationException($"Metrics:Path must start with a slash; it is \"{settings.Path}\".");
        foreach (var network in settings.AllowedNetworks)
            if (!IPNetwork.TryParse(network, out _))
                throw new InvalidOperationException($"Metrics:AllowedNetworks has \"{network}\", which is not a network such as 10.0.0.0/8.");
        services.AddOpenTelemetry().ConfigureResource(r => r.AddService("storefront")).WithMetrics(metrics => metrics
            .AddMeter(FrameworkMeters)
            .AddMeter("Storefront.*")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>Answers the scrape address to those allowed; to anyone else it is an unknown page (404).</summary>
    public static IApplicationBuilder UseStorefrontMetrics(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<MetricsSettings>();
        if (!settings.Enabled) return app;
        // The gauges read when scraped exist from the start, not from their first use.
        app.ApplicationServices.GetRequiredService<JobMetrics>();
        var networks = settings.AllowedNetworks.Select(n => IPNetwork.Parse(n)).ToList();
        return app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path.Equals(settings.Path, StringComparison.OrdinalIgnoreCase) && MayRead(context, settings, networks));
    }

    internal static bool MayRead(HttpContext context, MetricsSettings settings, IReadOnlyList<IPNetwork> networks)
    {
        if (settings.Token is { Length: > 0 } token
            && context.Request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
            return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(token));
        }
        // A proxy in front of the store connects from its own address, often the loopback: a request it
        // forwarded (the forwarded-headers step has read or kept its X-Forwarded-For) is never direct.
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Original-For") || headers.ContainsKey("Forwarded")
            || headers.ContainsKey("X-Real-IP"))
            return false;
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address));
    }
}

/// <summary>
/// The host's own counters: outages answered 503, by dependency. One meter for the process, like
/// the modules' (a meter per host would end its counts' stream in every host of the process when
/// one of them stops, which only ever happens where several run side by side, as in the tests).
/// </summary>
internal static class HostMetrics
{
    private static readonly Meter Meter = new("Storefront.Web");

    private static readonly Counter<long> Outages = Meter.CreateCounter<long>("storefront.dependency.outages", "{request}",
        "Requests answered 503 because PostgreSQL or Redis was not answering, by dependency.");

    public static void Outage(string dependency) => Outages.Add(1, new KeyValuePair<string, object?>("dependency", dependency.ToLowerInvariant()));
}
