using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;

namespace Storefront.Web.Identity;

public sealed record StaffMember(string Id, string Email, string Name, string Role, bool Confirmed, bool TwoStep);

public sealed record PendingInvitation(Guid Id, string Email, string Role, string InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Expired);

/// <summary>How a change to the staff ended.</summary>
public enum StaffOutcome
{
    Done,
    /// <summary>The account or invitation is not there (any more).</summary>
    NotFound,
    /// <summary>The one who asked is not an owner (any more).</summary>
    NotOwner,
    /// <summary>It would leave the store without an owner.</summary>
    LastOwner,
    /// <summary>The address already belongs to a staff account.</summary>
    AlreadyStaff,
    /// <summary>The invitation was used, withdrawn or has expired, or the link is not its own.</summary>
    InvitationNotValid,
    /// <summary>Too many invitations are waiting to be accepted.</summary>
    TooManyInvitations,
    /// <summary>The new account's details were refused (see the errors).</summary>
    AccountRefused,
}

public sealed record StaffResult(StaffOutcome Outcome, IReadOnlyList<IdentityError>? Errors = null)
{
    public bool Succeeded => Outcome == StaffOutcome.Done;
    public static readonly StaffResult Done = new(StaffOutcome.Done);
}

/// <summary>
/// The store's staff: accounts with a staff role, the e-mailed invitations to join, and the record
/// of every change. Owners invite, change roles and take them away; every change runs under one
/// PostgreSQL lock, checks that the one asking is still an owner, and never leaves the store without
/// an owner, however many owners act at once. An invitation is accepted by whoever opens its link:
/// with the account of the invited address, or by making that account there.
/// </summary>
public sealed partial class StaffDirectory(AppIdentityDbContext db, UserManager<StoreUser> users, IEmailSender email, IStoreLinks links,
    LinkGenerator paths, IBackgroundJobClient jobs, TimeProvider clock, IOptions<AccountOptions> options,
    IOptions<Seo.SeoOptions> seo, ILogger<StaffDirectory> logger)
{
    /// <summary>Invitations that may wait at once: enough for any team, not a way to send mail in bulk.</summary>
    public const int MostPendingInvitations = 50;

    /// <summary>A request repeated within this time (a double click, a retried post) is taken as the first.</summary>
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    // One lock for every change to the staff (pg_advisory_xact_lock, held to the end of the transaction).
    private const long StaffLock = 0x53_74_61_66_66; // "Staff"

    public async Task<IReadOnlyList<StaffMember>> ListAsync(CancellationToken ct)
    {
        var rows = await (
            from held in db.UserRoles
            join role in db.Roles on held.RoleId equals role.Id
            join account in db.Users on held.UserId equals account.Id
            where Roles.Staff.Contains(role.Name!)
            select new { account.Id, account.Email, account.DisplayName, Role = role.Name!, account.EmailConfirmed, account.TwoFactorEnabled }).AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(r => r.Id)
            .Select(g => g.OrderBy(r => Rank(r.Role)).First())
            .OrderBy(r => Rank(r.Role)).ThenBy(r => r.Email, StringComparer.OrdinalIgnoreCase)
            .Select(r => new StaffMember(r.Id, r.Email ?? "", r.DisplayName, r.Role, r.EmailConfirmed, r.TwoFactorEnabled)).ToList();
    }

    public async Task<IReadOnlyList<PendingInvitation>> PendingAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await db.StaffInvitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.WithdrawnAt == null)
            .OrderByDescending(i => i.CreatedAt).Take(MostPendingInvitations * 2).ToListAsync(ct);
        return rows.Select(i => new PendingInvitation(i.Id, i.Email, i.Role, i.InvitedBy, i.CreatedAt, i.ExpiresAt, i.ExpiresAt <= now)).ToList();
    }

    public async Task<IReadOnlyList<StaffChange>> HistoryAsync(int most, CancellationToken ct) =>
        await db.StaffChanges.AsNoTracking().OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Take(most).ToListAsync(ct);

    /// <summary>
    /// Invites <paramref name="address"/> to join in <paramref name="role"/>: replaces any invitation
    /// of that address still waiting, and e-mails the link (later, by a job, when the mail server is
    /// away). The caller has checked the address's form.
    /// </summary>
    public async Task<StaffResult> InviteAsync(ClaimsPrincipal owner, string address, string role, CancellationToken ct)
    {
        if (!Roles.IsStaffRole(role)) throw new ArgumentOutOfRangeException(nameof(role), role, "Not a staff role.");
        address = address.Trim();
        var normalized = users.NormalizeEmail(address);
        if (await users.FindByEmailAsync(address) is { } existing && await users.IsStaffAsync(existing)) return new(StaffOutcome.AlreadyStaff);

        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        StaffInvitation invitation;
        await using (var tx = await LockAsync(ct))
        {
            if (await OwnerAsync(owner, ct) is not { } actor) return new(StaffOutcome.NotOwner);
            var now = clock.GetUtcNow();
            var waiting = await db.StaffInvitations.Where(i => i.AcceptedAt == null && i.WithdrawnAt == null).ToListAsync(ct);
            // The same invitation sent twice within moments (a double click): one invitation, one e-mail.
            if (waiting.Any(i => i.NormalizedEmail == normalized && i.Role == role && i.CreatedAt > now - RepeatWindow)) return StaffResult.Done;
            foreach (var earlier in waiting.Where(i => i.NormalizedEmail == normalized)) earlier.WithdrawnAt = now;
            if (waiting.Count(i => i.NormalizedEmail != normalized && i.ExpiresAt > now) >= MostPendingInvitations) return new(StaffOutcome.TooManyInvitations);
            invitation = new StaffInvitation
            {
                Id = Guid.NewGuid(), Email = address, NormalizedEmail = normalized, Role = role, TokenHash = Hash(token),
                InvitedBy = actor.Email ?? "", CreatedAt = now, ExpiresAt = now + options.Value.StaffInvitationLifetime,
            };
            db.StaffInvitations.Add(invitation);
            Record(actor, address, StaffChangeKind.Invited, role, null);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await SendOrRetryLaterAsync(invitation, token, ct);
        return StaffResult.Done;
    }

    /// <summary>Withdraws a waiting invitation: its link stops working.</summary>
    public async Task<StaffResult> WithdrawAsync(ClaimsPrincipal owner, Guid invitationId, CancellationToken ct)
    {
        await using var tx = await LockAsync(ct);
        if (await OwnerAsync(owner, ct) is not { } actor) return new(StaffOutcome.NotOwner);
        var invitation = await db.StaffInvitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.AcceptedAt == null && i.WithdrawnAt == null, ct);
        if (invitation is null) return new(StaffOutcome.NotFound);
        invitation.WithdrawnAt = clock.GetUtcNow();
        Record(actor, invitation.Email, StaffChangeKind.InvitationWithdrawn, invitation.Role, null);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return StaffResult.Done;
    }

    /// <summary>
    /// Gives a staff account another role, or takes its role away (<paramref name="role"/> null: the
    /// account stays, as a shopper's). Refused when it would leave the store without an owner.
    /// </summary>
    public async Task<StaffResult> SetRoleAsync(ClaimsPrincipal owner, string userId, string? role, CancellationToken ct)
    {
        if (role is not null && !Roles.IsStaffRole(role)) throw new ArgumentOutOfRangeException(nameof(role), role, "Not a staff role.");
        await using var tx = await LockAsync(ct);
        if (await OwnerAsync(owner, ct) is not { } actor) return new(StaffOutcome.NotOwner);
        if (await users.FindByIdAsync(userId) is not { } account || await users.StaffRoleAsync(account) is not { } current) return new(StaffOutcome.NotFound);
        if (current == role) return StaffResult.Done;
        if (current == Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1) return new(StaffOutcome.LastOwner);
        await users.RemoveFromRoleAsync(account, current);
        if (role is not null) await users.AddToRoleAsync(account, role);
        Record(actor, account.Email ?? "", role is null ? StaffChangeKind.Removed : StaffChangeKind.RoleChanged, role, current);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogRoleSet(account.Id, current, role ?? "none");
        return StaffResult.Done;
    }

    /// <summary>The waiting invitation this link opens, or null.</summary>
    public async Task<StaffInvitation?> FindAsync(Guid invitationId, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var invitation = await db.StaffInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        return invitation is { AcceptedAt: null, WithdrawnAt: null } && invitation.ExpiresAt > clock.GetUtcNow()
            && CryptographicOperations.FixedTimeEquals(invitation.TokenHash, Hash(token)) ? invitation : null;
    }

    /// <summary>
    /// The account that accepted this invitation (its link's own token) within the last minute: a
    /// second press of the button, or a post retried, finds the invitation used by the first.
    /// </summary>
    public async Task<StoreUser?> JustAcceptedByAsync(Guid invitationId, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var invitation = await db.StaffInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        return invitation is { AcceptedAt: { } at, AcceptedBy: { } by } && at > clock.GetUtcNow() - RepeatWindow
            && CryptographicOperations.FixedTimeEquals(invitation.TokenHash, Hash(token)) ? await users.FindByIdAsync(by) : null;
    }

    /// <summary>Accepts the invitation with the signed-in account of its address.</summary>
    public Task<StaffResult> AcceptAsync(Guid invitationId, string token, StoreUser account, CancellationToken ct) =>
        AcceptAsync(invitationId, token, invitation => Task.FromResult<(StoreUser?, StaffResult?)>(
            users.NormalizeEmail(account.Email) == invitation.NormalizedEmail ? (account, null) : (null, new StaffResult(StaffOutcome.InvitationNotValid))), ct);

    /// <summary>
    /// Accepts the invitation by making the account of its address, or, for an address whose account
    /// was never confirmed, by confirming it with a new password: the link proves the address.
    /// </summary>
    public Task<StaffResult> AcceptWithNewPasswordAsync(Guid invitationId, string token, string name, string password, CancellationToken ct) =>
        AcceptAsync(invitationId, token, async Task<(StoreUser?, StaffResult?)> (invitation) =>
        {
            var account = await users.FindByEmailAsync(invitation.Email);
            IdentityResult made;
            if (account is null)
            {
                account = new StoreUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, DisplayName = name };
                made = await users.CreateAsync(account, password);
            }
            else if (!account.EmailConfirmed)
            {
                (account.EmailConfirmed, account.DisplayName) = (true, name);
                made = await users.RemovePasswordAsync(account);
                if (made.Succeeded) made = await users.AddPasswordAsync(account, password);
            }
            else
            {
                // Someone made and confirmed the account since the page was shown: they sign in instead.
                return (null, new StaffResult(StaffOutcome.InvitationNotValid));
            }
            return made.Succeeded ? (account, null) : (null, new StaffResult(StaffOutcome.AccountRefused, made.Errors.ToList()));
        }, ct);

    private async Task<StaffResult> AcceptAsync(Guid invitationId, string token, Func<StaffInvitation, Task<(StoreUser?, StaffResult?)>> joiner, CancellationToken ct)
    {
        await using var tx = await LockAsync(ct);
        // Under the lock: of two acceptances at once, the second finds it used.
        var invitation = await db.StaffInvitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is not { AcceptedAt: null, WithdrawnAt: null } || invitation.ExpiresAt <= clock.GetUtcNow()
            || !CryptographicOperations.FixedTimeEquals(invitation.TokenHash, Hash(token)))
            return new(StaffOutcome.InvitationNotValid);
        var (account, refused) = await joiner(invitation);
        if (account is null) return refused!;
        var current = await users.StaffRoleAsync(account);
        if (current is not null && current != invitation.Role)
        {
            if (current == Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1) return new(StaffOutcome.LastOwner);
            await users.RemoveFromRoleAsync(account, current);
        }
        if (current != invitation.Role) await users.AddToRoleAsync(account, invitation.Role);
        (invitation.AcceptedAt, invitation.AcceptedBy) = (clock.GetUtcNow(), account.Id);
        db.StaffChanges.Add(new StaffChange
        {
            At = clock.GetUtcNow(), Actor = account.Email ?? "", Subject = account.Email ?? "", What = StaffChangeKind.Joined,
            Role = invitation.Role, PreviousRole = current,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogJoined(account.Id, invitation.Role, invitation.InvitedBy);
        return StaffResult.Done;
    }

    /// <summary>Makes a fresh link for a waiting invitation and e-mails it (the job's way, when the first try failed).</summary>
    internal async Task ResendAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.StaffInvitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is not { AcceptedAt: null, WithdrawnAt: null } || invitation.ExpiresAt <= clock.GetUtcNow()) return;
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        invitation.TokenHash = Hash(token);
        await db.SaveChangesAsync(ct);
        await email.SendAsync(Message(invitation, token), ct);
    }

    private async Task SendOrRetryLaterAsync(StaffInvitation invitation, string token, CancellationToken ct)
    {
        try
        {
            await email.SendAsync(Message(invitation, token), ct);
        }
        catch (Exception ex) when (AccountMails.IsMailOutage(ex))
        {
            LogDeferred(invitation.Id, ex);
            jobs.Enqueue<StaffInvitationMailJob>(job => job.SendAsync(invitation.Id, CancellationToken.None));
        }
    }

    private EmailMessage Message(StaffInvitation invitation, string token)
    {
        var store = seo.Value.StoreName;
        // Links come from the configured public address, never from the request.
        var link = links.Absolute(paths.GetPathByPage("/Account/Join", values: new { invitation = invitation.Id, token })!);
        return new EmailMessage(invitation.Email, $"You are invited to join the staff of {store}",
            $"""
            Hello,

            {invitation.InvitedBy} invites you to help run {store}, as "{Roles.Title(invitation.Role)}":
            {Roles.Scope(invitation.Role)}.

            Open this link to accept; you will sign in, or choose a password if this address has no
            account with the store yet:

            {link}

            The link works once, for {AccountMails.Describe(options.Value.StaffInvitationLifetime)}.
            If you did not expect this, ignore this e-mail: nothing changes unless the link is opened.
            """);
    }

    private async Task<IDbContextTransaction> LockAsync(CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({StaffLock})", ct);
        return tx;
    }

    /// <summary>The account asking, when the database says it is an owner now.</summary>
    private async Task<StoreUser?> OwnerAsync(ClaimsPrincipal principal, CancellationToken ct) =>
        await users.GetUserAsync(principal) is { } account && await users.IsInRoleAsync(account, Roles.Admin) ? account : null;

    private void Record(StoreUser actor, string subject, string what, string? role, string? previous) =>
        db.StaffChanges.Add(new StaffChange { At = clock.GetUtcNow(), Actor = actor.Email ?? "", Subject = subject, What = what, Role = role, PreviousRole = previous });

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static int Rank(string role) => role switch { Roles.Admin => 0, Roles.Catalog => 1, _ => 2 };

    /// <summary>True for an address the invitation form takes.</summary>
    public static bool IsAddress(string? address) =>
        address is { Length: > 3 and <= 256 } && new EmailAddressAttribute().IsValid(address.Trim()) && !address.Trim().Contains(' ');

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff account {UserId}: role {Previous} changed to {Role}")]
    private partial void LogRoleSet(string userId, string previous, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} joined the staff as {Role}, invited by {InvitedBy}")]
    private partial void LogJoined(string userId, string role, string invitedBy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The staff invitation {InvitationId} could not be e-mailed now; it is queued and will be retried")]
    private partial void LogDeferred(Guid invitationId, Exception exception);
}

/// <summary>E-mails a staff invitation the mail server could not take at once, with a fresh link (no link is kept in a job).</summary>
public sealed class StaffInvitationMailJob(StaffDirectory staff)
{
    [AutomaticRetry(Attempts = 12)]
    public Task SendAsync(Guid invitationId, CancellationToken cancellationToken) => staff.ResendAsync(invitationId, cancellationToken);
}
