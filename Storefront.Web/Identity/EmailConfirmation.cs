using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Identity;

/// <summary>
/// An account's e-mail address becomes confirmed when its owner proves they read its mail (a
/// confirmation link, or a password-reset link). Only then do the guest orders placed with that
/// address join the account.
/// </summary>
public sealed class EmailConfirmation(UserManager<StoreUser> users, IOrders orders)
{
    /// <summary>Confirms with the token of a confirmation link; false for a bad, expired or used link.</summary>
    public async Task<bool> ConfirmAsync(StoreUser user, string encodedToken, CancellationToken ct)
    {
        // A link works once: an address confirmed already makes it stale.
        if (user.EmailConfirmed || user.Email is null || Decode(encodedToken) is not { } token) return false;
        if (!(await users.ConfirmEmailAsync(user, token)).Succeeded) return false;
        await orders.ClaimAllAsync(user.Id, user.Email, ct);
        return true;
    }

    /// <summary>True for the token of a confirmation link that is still good, without using it up.</summary>
    public async Task<bool> IsValidAsync(StoreUser user, string encodedToken) =>
        !user.EmailConfirmed && user.Email is not null && Decode(encodedToken) is { } token
        && await users.VerifyUserTokenAsync(user, users.Options.Tokens.EmailConfirmationTokenProvider, UserManager<StoreUser>.ConfirmEmailTokenPurpose, token);

    /// <summary>A password reset through an e-mailed link proves the address as well.</summary>
    public async Task ConfirmedByResetAsync(StoreUser user, CancellationToken ct)
    {
        if (user.EmailConfirmed || user.Email is null) return;
        user.EmailConfirmed = true;
        if (!(await users.UpdateAsync(user)).Succeeded) return;
        await orders.ClaimAllAsync(user.Id, user.Email, ct);
    }

    private static string? Decode(string encoded)
    {
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encoded)) is { Length: > 0 } token ? token : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
