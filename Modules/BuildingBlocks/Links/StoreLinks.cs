using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Storefront.BuildingBlocks.Links;

/// <summary>
/// The store's public address (<c>Storefront:PublicUrl</c>), the only source of absolute links: every
/// link the store e-mails or redirects to is built from it, never from a request's Host header,
/// which a client chooses freely.
/// </summary>
public sealed class PublicUrlOptions
{
    /// <summary>The address shoppers use: scheme, host and port, such as https://shop.example.com.</summary>
    public string PublicUrl { get; set; } = "";
}

/// <summary>Absolute links to the store's own pages.</summary>
public interface IStoreLinks
{
    /// <summary>The configured public address, without a trailing slash.</summary>
    Uri BaseUri { get; }

    /// <summary>An absolute link to a path of the store ("/orders/track", or a path with its query).</summary>
    string Absolute(string pathAndQuery);
}

internal sealed class StoreLinks(IOptions<PublicUrlOptions> options) : IStoreLinks
{
    public Uri BaseUri { get; } = new(options.Value.PublicUrl.TrimEnd('/'), UriKind.Absolute);

    public string Absolute(string pathAndQuery)
    {
        if (string.IsNullOrEmpty(pathAndQuery) || pathAndQuery[0] != '/' || pathAndQuery.StartsWith("//", StringComparison.Ordinal))
            throw new ArgumentException("A store link is a path that starts with a single '/'.", nameof(pathAndQuery));
        return BaseUri.GetLeftPart(UriPartial.Authority) + pathAndQuery;
    }
}

public static class StoreLinksRegistration
{
    /// <summary>Where a development store answers when no public address is configured.</summary>
    public const string DevelopmentDefault = "http://localhost:5000";

    /// <summary>
    /// Binds <c>Storefront:PublicUrl</c> and checks it at start: an absolute http or https address
    /// without path, query or fragment. Outside Development it must be configured.
    /// </summary>
    public static IServiceCollection AddStoreLinks(this IServiceCollection services)
    {
        services.AddOptions<PublicUrlOptions>().BindConfiguration("Storefront")
            .PostConfigure<IHostEnvironment>((o, environment) =>
            {
                if (string.IsNullOrWhiteSpace(o.PublicUrl) && environment.IsDevelopment()) o.PublicUrl = DevelopmentDefault;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.PublicUrl),
                "Storefront:PublicUrl is not set: give the address shoppers use, such as https://shop.example.com (links in e-mails are built from it).")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicUrl) || IsValid(o.PublicUrl),
                "Storefront:PublicUrl must be an http:// or https:// address of scheme, host and port only (no path, query or fragment), such as https://shop.example.com.")
            .ValidateOnStart();
        services.AddSingleton<IStoreLinks, StoreLinks>();
        return services;
    }

    /// <summary>The configured public address, read before the container is built (host filtering, HTTPS).</summary>
    public static Uri? PublicUrlOf(IConfiguration configuration) =>
        configuration["Storefront:PublicUrl"] is { Length: > 0 } value && IsValid(value) ? new Uri(value) : null;

    private static bool IsValid(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo);
}
