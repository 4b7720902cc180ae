using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Storefront.Web.Shopping;

/// <summary>
/// Click tokens: the results page gives each result a token signed (Data Protection) for the
/// visitor it was shown to and the product, and a click counts only with a token that is valid for
/// that visitor and product and younger than <see cref="Lifetime"/>. So a click can only be counted
/// for a real product that was really shown, by the visitor who saw it.
/// </summary>
public sealed class SearchClicks(IDataProtectionProvider protection, TimeProvider clock)
{
    /// <summary>How long after the results page was shown a click on it still counts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private readonly IDataProtector _protector = protection.CreateProtector("Storefront.Search.Click.v1");

    public string TokenFor(string visitor, Guid productId) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{productId:N}|{clock.GetUtcNow().ToUnixTimeSeconds()}|{visitor}"));

    public bool IsValid(string? token, string visitor, Guid productId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1000) return false;
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return false;
        }
        var parts = payload.Split('|', 3);
        if (parts.Length != 3 || parts[0] != productId.ToString("N") || parts[2] != visitor
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)) return false;
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued);
        return age >= TimeSpan.FromMinutes(-5) && age <= Lifetime;
    }
}
