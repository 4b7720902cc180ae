using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Identity;

/// <summary>Options of the token provider behind merchant unlock links (their own lifetime).</summary>
public sealed class UnlockTokenProviderOptions : DataProtectionTokenProviderOptions;

/// <summary>Signed, expiring unlock tokens; tied to the security stamp, which unlocking renews (so a link works once).</summary>
internal sealed class UnlockTokenProvider(IDataProtectionProvider protection, IOptions<UnlockTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<StoreUser>> logger) : DataProtectorTokenProvider<StoreUser>(protection, options, logger)
{
    public const string ProviderName = "MerchantUnlock";
}

/// <summary>
/// Merchants are not locked out for a while like shoppers (anyone could keep the store's owner out
/// with a few wrong passwords). After <see cref="AccountOptions.MerchantUnlockAfterFailures"/> failed
/// sign-ins the password alone is no longer accepted: the merchant opens an e-mailed unlock link and
/// gives the password there. Attempts can cause the e-mail, at most once per
/// <see cref="AccountOptions.UnlockMailInterval"/>, but cannot keep the merchant from the link.
/// </summary>
public sealed class MerchantUnlock(AppIdentityDbContext db, UserManager<StoreUser> users, AccountMails mails, IStoreLinks links,
    LinkGenerator paths, AccountMailLimits limits, IOptions<AccountOptions> options)
{
    private const string Purpose = "MerchantUnlock";

    // "Until unlocked", kept an ordinary timestamp (not infinity) so every reader compares it plainly.
    private static readonly DateTimeOffset UntilUnlocked = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Counts a wrong password. One statement counts and pauses, so guesses sent side by side are
    /// each counted (Identity's read-modify-write of the count loses some of them).
    /// </summary>
    public async Task FailedAsync(StoreUser user, CancellationToken ct)
    {
        var limit = options.Value.MerchantUnlockAfterFailures;
        var paused = await db.Database.SqlQuery<bool>($"""
            UPDATE "identity"."AspNetUsers"
            SET access_failed_count = access_failed_count + 1,
                lockout_end = CASE WHEN access_failed_count + 1 >= {limit} THEN {UntilUnlocked} ELSE lockout_end END
            WHERE id = {user.Id}
            RETURNING access_failed_count >= {limit} AS "Value"
            """).ToListAsync(ct);
        if (paused is [true]) await SendLinkAsync(user, ct);
    }

    /// <summary>An attempt while paused: the password is not looked at, but the merchant is sent a link if none went out lately.</summary>
    public Task PausedAttemptAsync(StoreUser user, CancellationToken ct) => SendLinkAsync(user, ct);

    /// <summary>Mails an unlock link to a paused merchant, unless one went out within the interval (later, when the mail server is away).</summary>
    public async Task SendLinkAsync(StoreUser user, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryOnceAsync($"account:unlock-mail:{user.Id}", options.Value.UnlockMailInterval)) return;
        await mails.SendOrRetryLaterAsync(AccountMail.MerchantUnlock, user, null, await MessageAsync(user), ct);
    }

    /// <summary>The unlock e-mail with a fresh link.</summary>
    internal async Task<EmailMessage?> MessageAsync(StoreUser user)
    {
        if (user.Email is null) return null;
        var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(
            await users.GenerateUserTokenAsync(user, UnlockTokenProvider.ProviderName, Purpose)));
        var link = links.Absolute(paths.GetPathByPage("/Account/Unlock", values: new { user = user.Id, token })!);
        return new EmailMessage(user.Email, "Sign-in to your Storefront merchant account is paused",
            $"""
            Hello {user.DisplayName},

            Someone has given a wrong password for your merchant account several times, so the sign-in
            page no longer accepts the password on its own. To sign in, open this link and give your
            password there:

            {link}

            The link works once, for {AccountMails.Describe(options.Value.UnlockLinkLifetime)}, even while someone keeps trying your
            address. If the failed attempts were not yours, consider choosing a new password once you
            are signed in.
            """);
    }

    /// <summary>Whether the account is a merchant's whose sign-in is paused.</summary>
    public async Task<bool> IsPausedAsync(StoreUser user) => await users.IsStaffAsync(user) && await users.IsLockedOutAsync(user);

    /// <summary>Whether an unlock link (its token) is valid for this merchant now.</summary>
    public async Task<bool> IsValidLinkAsync(StoreUser user, string encodedToken) =>
        Decode(encodedToken) is { } token && await users.IsStaffAsync(user)
        && await users.VerifyUserTokenAsync(user, UnlockTokenProvider.ProviderName, Purpose, token);

    /// <summary>Lifts the pause; the new security stamp spends this link and any other sent before.</summary>
    public async Task<bool> UnlockAsync(StoreUser user, string encodedToken)
    {
        if (!await IsValidLinkAsync(user, encodedToken)) return false;
        (user.AccessFailedCount, user.LockoutEnd) = (0, null);
        return (await users.UpdateSecurityStampAsync(user)).Succeeded;
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
