using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// Who may see an order: the account that placed it, a merchant, or whoever holds its key — a
/// signed token of the order number and e-mail, given after a guest checkout and in e-mails.
/// </summary>
public sealed class OrderAccess(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Storefront.Orders.Key.v1");

    public string KeyFor(string number, string email) => protector.Protect($"{number}|{email.ToUpperInvariant()}");

    public bool MayView(ClaimsPrincipal user, OrderView order, string? key)
    {
        if (user.IsInRole(Identity.Roles.Admin)) return true;
        if (order.UserId is not null && order.UserId == user.FindFirstValue(ClaimTypes.NameIdentifier)) return true;
        if (string.IsNullOrEmpty(key)) return false;
        try
        {
            return protector.Unprotect(key) == $"{order.Number}|{order.Email.ToUpperInvariant()}";
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
