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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasDefaultSchema(Schema);
        builder.Entity<StoreUser>().Property(u => u.DisplayName).HasMaxLength(100);
    }
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string AdminPolicy = "AdminOnly";
}
