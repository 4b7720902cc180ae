using System.Text;
using Hangfire;
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

/// <summary>The account e-mails a shopper or merchant waits for.</summary>
public enum AccountMail { Confirmation, RegistrationNotice, PasswordReset, MerchantUnlock }

/// <summary>
/// The account e-mails: the confirmation link of registering, the note to an address that already
/// has an account, and the password-reset link (the merchant unlock link is
/// <see cref="MerchantUnlock"/>'s). Each is sent while the shopper waits. When the mail server
/// cannot be reached, the page answers as it always does and the mail goes later:
/// <see cref="AccountMailJob"/>, a Hangfire job retried with growing pauses, makes it again from the
/// account (with a fresh link, so no link is ever stored in a job) and sends it.
/// </summary>
public sealed partial class AccountMails(IEmailSender email, IStoreLinks links, LinkGenerator paths, UserManager<StoreUser> users,
    AccountMailLimits limits, IOptions<AccountOptions> options, IBackgroundJobClient jobs, ILogger<AccountMails> logger)
{
    /// <summary>
    /// Mails a link that confirms the account's address and signs it in; <paramref name="order"/> is
    /// the guest order to show after confirming.
    /// </summary>
    public async Task SendConfirmationAsync(StoreUser user, string? order, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryCountAsync($"account:registration-mails:{user.Id}", options.Value.RegistrationMailsPerHour)) return;
        await SendOrRetryLaterAsync(AccountMail.Confirmation, user, order, await MessageAsync(AccountMail.Confirmation, user, order), ct);
    }

    /// <summary>Tells an account's owner that someone tried to register with their address.</summary>
    public async Task SendRegistrationNoticeAsync(StoreUser user, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryCountAsync($"account:registration-mails:{user.Id}", options.Value.RegistrationMailsPerHour)) return;
        await SendOrRetryLaterAsync(AccountMail.RegistrationNotice, user, null, await MessageAsync(AccountMail.RegistrationNotice, user, null), ct);
    }

    /// <summary>Mails a link to choose a new password (at most a few an hour per account, whoever asks).</summary>
    public async Task SendPasswordResetAsync(StoreUser user, CancellationToken ct)
    {
        if (user.Email is null || !await limits.TryCountAsync($"account:reset-mails:{user.Id}", options.Value.ResetMailsPerHour)) return;
        await SendOrRetryLaterAsync(AccountMail.PasswordReset, user, null, await MessageAsync(AccountMail.PasswordReset, user, null), ct);
    }

    /// <summary>Sends <paramref name="message"/> (of <paramref name="kind"/>) now; when the mail server is away, queues the kind for <see cref="AccountMailJob"/> instead.</summary>
    internal async Task SendOrRetryLaterAsync(AccountMail kind, StoreUser user, string? order, EmailMessage? message, CancellationToken ct)
    {
        if (message is null) return;
        try
        {
            await email.SendAsync(message, ct);
        }
        catch (Exception ex) when (IsMailOutage(ex))
        {
            LogDeferred(kind, Storefront.Web.Infrastructure.MailEmailSender.RecipientId(user.Email ?? ""), ex);
            jobs.Enqueue<AccountMailJob>(job => job.SendAsync(kind, user.Id, order, CancellationToken.None));
        }
    }

    /// <summary>The mail server (or the pickup folder) could not take the mail: worth trying again later.</summary>
    internal static bool IsMailOutage(Exception ex) =>
        ex is System.Net.Mail.SmtpException or IOException or System.Net.Sockets.SocketException or TimeoutException;

    /// <summary>The message of <paramref name="kind"/> for <paramref name="user"/>, with a fresh link; null when it no longer applies.</summary>
    internal async Task<EmailMessage?> MessageAsync(AccountMail kind, StoreUser user, string? order)
    {
        if (user.Email is null) return null;
        switch (kind)
        {
            case AccountMail.Confirmation:
                if (user.EmailConfirmed) return null;
                var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
                // Links come from the configured public address: the request's Host header is the sender's choice.
                var link = links.Absolute(paths.GetPathByPage("/Account/ConfirmEmail", values: new { user = user.Id, token, order })!);
                return new EmailMessage(user.Email, "Confirm your Storefront account",
                    $"""
                    Hello {user.DisplayName},

                    Open this link and enter the password you chose to confirm your e-mail address and finish
                    creating your Storefront account:

                    {link}

                    The link works once, for {Describe(options.Value.ConfirmationLinkLifetime)}.
                    If you did not create an account, ignore this e-mail: the account cannot be used without it.
                    """);
            case AccountMail.RegistrationNotice:
                return new EmailMessage(user.Email, "Someone tried to create a Storefront account with your address",
                    $"""
                    Hello {user.DisplayName},

                    Someone (perhaps you) tried to create a Storefront account with this e-mail address, which
                    already has one. No new account was made.

                    If it was you, sign in:
                    {links.Absolute(paths.GetPathByPage("/Account/Login")!)}

                    or, if you have forgotten your password, choose a new one:
                    {links.Absolute(paths.GetPathByPage("/Account/ForgotPassword")!)}

                    If it was not you, ignore this e-mail; nothing has changed.
                    """);
            case AccountMail.PasswordReset:
                var reset = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
                var resetLink = links.Absolute(paths.GetPathByPage("/Account/ResetPassword", values: new { email = user.Email, token = reset })!);
                return new EmailMessage(user.Email, "Reset your Storefront password",
                    $"""
                    Hello {user.DisplayName},

                    Someone (we hope you) asked to reset the password of your Storefront account.
                    Open this link within two hours to choose a new one:

                    {resetLink}

                    If it was not you, ignore this e-mail; your password stays as it is.
                    """);
            default:
                return null;
        }
    }

    internal static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? Plural((int)span.TotalHours, "hour")
        : Plural((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(int n, string unit) => n == 1 ? $"one {unit}" : $"{n} {unit}s";

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} e-mail to {Recipient} could not be sent now; it is queued and will be retried")]
    private partial void LogDeferred(AccountMail kind, string recipient, Exception exception);
}

/// <summary>
/// Sends an account e-mail the mail server could not take while the shopper waited: made again from
/// the account as it is now (a fresh link; nothing if the address was confirmed or the merchant
/// unlocked meanwhile). A failure throws, and Hangfire tries again later, with growing pauses.
/// </summary>
public sealed class AccountMailJob(UserManager<StoreUser> users, AccountMails mails, MerchantUnlock unlock, IEmailSender email)
{
    [AutomaticRetry(Attempts = 12)]
    public async Task SendAsync(AccountMail kind, string userId, string? order, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return;
        var message = kind != AccountMail.MerchantUnlock ? await mails.MessageAsync(kind, user, order)
            : await unlock.IsPausedAsync(user) ? await unlock.MessageAsync(user) : null;
        if (message is not null) await email.SendAsync(message, cancellationToken);
    }
}
