using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Storefront.Web.Identity;

public sealed class StoreUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

/// <summary>Shopper and merchant accounts, in their own "identity" schema.</summary>
public sealed class AppIdentityDbContext(DbContextOptions<AppIdentityDbContext> options)
    : IdentityDbContext<StoreUser>(options)
{
    public const string Schema = "identity";

    public DbSet<StaffInvitation> StaffInvitations => Set<StaffInvitation>();
    public DbSet<StaffChange> StaffChanges => Set<StaffChange>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasDefaultSchema(Schema);
        builder.Entity<StoreUser>().Property(u => u.DisplayName).HasMaxLength(100);
        builder.Entity<StaffInvitation>(e =>
        {
            e.ToTable("staff_invitations");
            e.Property(i => i.Email).HasMaxLength(256);
            e.Property(i => i.NormalizedEmail).HasMaxLength(256);
            e.Property(i => i.Role).HasMaxLength(32);
            e.Property(i => i.TokenHash).HasMaxLength(32);
            e.Property(i => i.InvitedBy).HasMaxLength(256);
            e.Property(i => i.AcceptedBy).HasMaxLength(450);
            // The pending invitations of an address: at most one, the newest.
            e.HasIndex(i => i.NormalizedEmail).HasFilter("accepted_at IS NULL AND withdrawn_at IS NULL").IsUnique();
        });
        builder.Entity<StaffChange>(e =>
        {
            e.ToTable("staff_changes");
            e.Property(c => c.Actor).HasMaxLength(256);
            e.Property(c => c.Subject).HasMaxLength(256);
            e.Property(c => c.What).HasMaxLength(32);
            e.Property(c => c.Role).HasMaxLength(32);
            e.Property(c => c.PreviousRole).HasMaxLength(32);
            e.HasIndex(c => c.At);
        });
    }
}

/// <summary>
/// An e-mailed invitation to join the store's staff in a role. Only a hash of the link's token is
/// kept; the link works once, until it expires or an owner withdraws it.
/// </summary>
public sealed class StaffInvitation
{
    public Guid Id { get; set; }
    public string Email { get; set; } = "";
    public string NormalizedEmail { get; set; } = "";
    public string Role { get; set; } = "";
    public byte[] TokenHash { get; set; } = [];
    /// <summary>The address of the owner who invited.</summary>
    public string InvitedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    /// <summary>The account that accepted it.</summary>
    public string? AcceptedBy { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
}

/// <summary>One change to the staff, for the owners' record: who did what to whom, and when.</summary>
public sealed class StaffChange
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The address of the account that made the change.</summary>
    public string Actor { get; set; } = "";
    /// <summary>The address of the account or invitation it was made to.</summary>
    public string Subject { get; set; } = "";
    /// <summary>One of <see cref="StaffChangeKind"/>'s names.</summary>
    public string What { get; set; } = "";
    public string? Role { get; set; }
    public string? PreviousRole { get; set; }
}

public static class StaffChangeKind
{
    public const string Invited = "invited";
    public const string InvitationWithdrawn = "invitation-withdrawn";
    public const string Joined = "joined";
    public const string RoleChanged = "role-changed";
    public const string Removed = "removed";
}
