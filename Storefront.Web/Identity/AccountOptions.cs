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

    /// <summary>Failed sign-ins after which a merchant's sign-in pauses until they open an e-mailed unlock link.</summary>
    public int MerchantUnlockAfterFailures { get; set; } = 5;

    /// <summary>How long an e-mailed unlock link works.</summary>
    public TimeSpan UnlockLinkLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>At most one unlock e-mail per merchant in this time, however many attempts or requests cause one.</summary>
    public TimeSpan UnlockMailInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Staff open the merchant pages only once their account uses two-step sign-in.</summary>
    public bool RequireTwoStepForStaff { get; set; }

    /// <summary>How long the link of an invitation to join the staff works.</summary>
    public TimeSpan StaffInvitationLifetime { get; set; } = TimeSpan.FromDays(7);
}
