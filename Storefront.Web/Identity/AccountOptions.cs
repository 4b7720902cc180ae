namespace Storefront.Web.Identity;

/// <summary>Account settings (<c>Accounts:*</c>), checked at start.</summary>
public sealed class AccountOptions
{
    /// <summary>Password-reset e-mails one account gets at most per hour, whoever asks for them.</summary>
    public int ResetMailsPerHour { get; set; } = 3;

    /// <summary>
    /// E-mails about registering (confirmation links, and "someone tried to register with your
    /// address") one account gets at most per hour, whoever causes them.
    /// </summary>
    public int RegistrationMailsPerHour { get; set; } = 3;

    /// <summary>How long an e-mailed confirmation link works.</summary>
    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromDays(1);
}
