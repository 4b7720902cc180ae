using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Storefront.BuildingBlocks;

/// <summary>
/// The one currency the store sells and charges in (<c>Storefront:Currency</c>): new products are
/// priced in it, and a cart line priced in any other cannot be bought.
/// </summary>
public sealed class StoreCurrencyOptions
{
    public const string Default = "USD";

    /// <summary>An ISO 4217 code such as USD, EUR or GBP.</summary>
    public string Currency { get; set; } = Default;

    /// <summary>Three capital letters: the shape of an ISO 4217 code (Inventory stores prices under the same rule).</summary>
    public static bool IsIsoCode(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);
}

public static class StoreCurrencyRegistration
{
    /// <summary>
    /// Binds <c>Storefront:Currency</c> and checks it at start. Every module that prices something
    /// calls this; registering it more than once is harmless.
    /// </summary>
    public static IServiceCollection AddStoreCurrency(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(StoreCurrencyMarker))) return services;
        services.AddSingleton<StoreCurrencyMarker>();
        services.AddOptions<StoreCurrencyOptions>().BindConfiguration("Storefront")
            .Validate(o => StoreCurrencyOptions.IsIsoCode(o.Currency),
                "Storefront:Currency must be a three-letter ISO 4217 code in capitals, such as USD, EUR or GBP.")
            .ValidateOnStart();
        return services;
    }

    private sealed class StoreCurrencyMarker;
}
