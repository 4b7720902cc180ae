using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Identity;

/// <summary>
/// How many account e-mails an account gets, counted in Redis: the account forms must not be a way
/// to flood someone's inbox, whoever fills them in.
/// </summary>
public sealed class AccountMailLimits(IConnectionMultiplexer redis, ILogger<AccountMailLimits> logger)
{
    /// <summary>True while <paramref name="key"/> has been counted at most <paramref name="perHour"/> times this hour (counting this one).</summary>
    public async Task<bool> TryCountAsync(string key, int perHour)
    {
        try
        {
            var database = redis.GetDatabase();
            var sent = await database.StringIncrementAsync(key);
            if (sent == 1) await database.KeyExpireAsync(key, TimeSpan.FromHours(1));
            return sent <= perHour;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Without Redis the mail still goes (the forms are rate limited as well): a shopper who
            // asked for a link must get it.
            logger.LogWarning(ex, "Account mails could not be counted; sending without the cap");
            return true;
        }
    }

    /// <summary>True for the first caller of <paramref name="key"/>, then false until <paramref name="interval"/> has passed.</summary>
    public async Task<bool> TryOnceAsync(string key, TimeSpan interval)
    {
        try
        {
            return await redis.GetDatabase().StringSetAsync(key, "1", interval, When.NotExists);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Account mails could not be counted; sending without the cap");
            return true;
        }
    }
}

/// <summary>Options of the token provider behind e-mail confirmation links (its own lifetime).</summary>
public sealed class ConfirmationTokenProviderOptions : DataProtectionTokenProviderOptions;

/// <summary>Signed, expiring e-mail confirmation tokens, apart from the two-hour reset tokens.</summary>
internal sealed class ConfirmationTokenProvider(IDataProtectionProvider protection, IOptions<ConfirmationTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<StoreUser>> logger) : DataProtectorTokenProvider<StoreUser>(protection, options, logger)
{
    public const string ProviderName = "EmailConfirmation";
}

/// <summary>The e-mails of registering: the confirmation link, and the note to an address that already has an account.</summary>
public sealed class AccountMails(IEmailSender email, IStoreLinks links, LinkGenerator paths, UserManager<StoreUser> users,
    AccountMailLimits limits, IOptions<AccountOptions> options)
{
    /// <summary>
    /// Mails a link that confirms the account's address and signs it in; <paramref name="order"/> is
    /// the guest order to show after confirming.
    /// </summary>
    public async Task SendConfirmationAsync(StoreUser user, string? order, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryCountAsync($"account:registration-mails:{user.Id}", options.Value.RegistrationMailsPerHour)) return;
        var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
        // Links come from the configured public address: the request's Host header is the sender's choice.
        var link = links.Absolute(paths.GetPathByPage("/Account/ConfirmEmail", values: new { user = user.Id, token, order })!);
        await email.SendAsync(new EmailMessage(user.Email, "Confirm your Storefront account",
            $"""
            Hello {user.DisplayName},

            Open this link and enter the password you chose to confirm your e-mail address and finish
            creating your Storefront account:

            {link}

            The link works once, for {Describe(options.Value.ConfirmationLinkLifetime)}.
            If you did not create an account, ignore this e-mail: the account cannot be used without it.
            """), ct);
    }

    /// <summary>Tells an account's owner that someone tried to register with their address.</summary>
    public async Task SendRegistrationNoticeAsync(StoreUser user, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryCountAsync($"account:registration-mails:{user.Id}", options.Value.RegistrationMailsPerHour)) return;
        await email.SendAsync(new EmailMessage(user.Email, "Someone tried to create a Storefront account with your address",
            $"""
            Hello {user.DisplayName},

            Someone (perhaps you) tried to create a Storefront account with this e-mail address, which
            already has one. No new account was made.

            If it was you, sign in:
            {links.Absolute(paths.GetPathByPage("/Account/Login")!)}

            or, if you have forgotten your password, choose a new one:
            {links.Absolute(paths.GetPathByPage("/Account/ForgotPassword")!)}

            If it was not you, ignore this e-mail; nothing has changed.
            """), ct);
    }

    internal static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? Plural((int)span.TotalHours, "hour")
        : Plural((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(int n, string unit) => n == 1 ? $"one {unit}" : $"{n} {unit}s";
}
