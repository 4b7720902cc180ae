using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Shopping;

public sealed class OrderLinkOptions
{
    /// <summary>How long a guest's order link (its key) works; tracking the order again gives a new one.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Who may see an order: the account that placed it, staff who run the orders, or whoever holds its key — a
/// signed, expiring token of the order number, e-mail and link version, given after a guest
/// checkout and after tracking. Revoking the order's links raises the version, so every key made
/// before stops working.
/// </summary>
public sealed class OrderAccess(IDataProtectionProvider protection, IOptions<OrderLinkOptions> options, TimeProvider clock)
{
    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("Storefront.Orders.Key.v2").ToTimeLimitedDataProtector();

    public string KeyFor(string number, string email, int linkVersion) =>
        protector.Protect(Payload(number, email, linkVersion), clock.GetUtcNow() + options.Value.LinkLifetime);

    public string KeyFor(OrderView order) => KeyFor(order.Number, order.Email, order.LinkVersion);

    /// <summary>The account that placed it, whoever holds its key, and staff who run the orders (as the database has their role now).</summary>
    public async Task<bool> MayViewAsync(ClaimsPrincipal user, OrderView order, string? key, Identity.StaffAccess staff) =>
        order.UserId is not null && order.UserId == user.FindFirstValue(ClaimTypes.NameIdentifier)
        || HoldsKey(order, key)
        || await staff.MayRunOrdersAsync(user);

    /// <summary>True for a key of this order that has not expired or been revoked.</summary>
    public bool HoldsKey(OrderView order, string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1000) return false;
        try
        {
            return protector.Unprotect(key) == Payload(order.Number, order.Email, order.LinkVersion);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Altered, made up, expired, or protected with a key this store no longer has.
            return false;
        }
    }

    private static string Payload(string number, string email, int linkVersion) =>
        $"{number}|{email.Trim().ToUpperInvariant()}|{linkVersion}";
}
