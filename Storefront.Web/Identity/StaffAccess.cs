using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Storefront.Web.Identity;

/// <summary>
/// The store's staff roles. An account has at most one; an account without one is a shopper.
/// <see cref="Admin"/> is the owner's role (its name is the one the first stores were made with).
/// </summary>
public static class Roles
{
    /// <summary>Owners: everything, including the staff, the reports, events and background jobs.</summary>
    public const string Admin = "Admin";

    /// <summary>Products, categories, prices and stock, reviews, discount codes, flash sales, search and recommendations.</summary>
    public const string Catalog = "Catalog";

    /// <summary>Orders, packing and shipping, refunds and cancellations, customer accounts.</summary>
    public const string Orders = "Orders";

    /// <summary>Every staff role, the owner's first.</summary>
    public static readonly IReadOnlyList<string> Staff = [Admin, Catalog, Orders];

    public const string AdminPolicy = "AdminOnly";
    public const string StaffPolicy = "Staff";
    public const string CatalogPolicy = "CatalogStaff";
    public const string OrdersPolicy = "OrderStaff";

    public static bool IsStaffRole(string? role) => role is Admin or Catalog or Orders;

    /// <summary>What the merchant pages call the role.</summary>
    public static string Title(string role) => role switch
    {
        Admin => "Owner",
        Catalog => "Products and prices",
        Orders => "Orders and customers",
        _ => role,
    };

    /// <summary>What the role may do, in a few words.</summary>
    public static string Scope(string role) => role switch
    {
        Admin => "everything, including staff, reports, events and background jobs",
        Catalog => "products, categories, prices and stock, reviews, discount codes, flash sales, search and recommendations",
        Orders => "orders, packing and shipping, refunds and cancellations, and customer accounts",
        _ => "",
    };

    /// <summary>
    /// Whether the sign-in cookie names a staff role: for what only looks different to staff (the
    /// header's admin link). What staff may do is decided by <see cref="StaffAccess"/>.
    /// </summary>
    public static bool ClaimsStaff(ClaimsPrincipal user) => user.IsInRole(Admin) || user.IsInRole(Catalog) || user.IsInRole(Orders);
}

/// <summary>
/// The staff role of the signed-in account as the database has it now, read once per request. A
/// sign-in cookie carries the roles of when it was made; access to the merchant pages follows the
/// database instead, so a role changed or taken away counts from the next request, and a cookie
/// made before the account's security stamp changed (a new password, a reset) opens nothing.
/// </summary>
public sealed class StaffAccess(AppIdentityDbContext db, IOptions<IdentityOptions> identity, IOptions<AccountOptions> accounts)
{
    private (string User, string? Role, bool TwoStep)? known;

    /// <summary>The account's staff role, or null for a shopper, a visitor or an outdated cookie.</summary>
    public async Task<string?> RoleAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var claims = identity.Value.ClaimsIdentity;
        if (user.FindFirstValue(claims.UserIdClaimType) is not { Length: > 0 } id) return null;
        if (known is { } k && k.User == id) return k.Role;
        var stamp = user.FindFirstValue(claims.SecurityStampClaimType);
        var held = await (
            from account in db.Users
            where account.Id == id && account.SecurityStamp == stamp
            join holding in db.UserRoles on account.Id equals holding.UserId
            join role in db.Roles on holding.RoleId equals role.Id
            select new { role.Name, account.TwoFactorEnabled }).ToListAsync(ct);
        var found = Roles.Staff.FirstOrDefault(r => held.Any(h => h.Name == r));
        known = (id, found, held.Any(h => h.TwoFactorEnabled));
        return found;
    }

    /// <summary>
    /// True for staff who must turn on two-step sign-in before the merchant pages open
    /// (<see cref="AccountOptions.RequireTwoStepForStaff"/>).
    /// </summary>
    public async Task<bool> TwoStepMissingAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        accounts.Value.RequireTwoStepForStaff && await RoleAsync(user, ct) is not null && !known!.Value.TwoStep;

    /// <summary>True when the account holds one of <paramref name="roles"/> now (and uses two-step sign-in where the store asks it to).</summary>
    public async Task<bool> HoldsAsync(ClaimsPrincipal user, IReadOnlyList<string> roles, CancellationToken ct = default) =>
        await RoleAsync(user, ct) is { } role && roles.Contains(role) && !await TwoStepMissingAsync(user, ct);

    public Task<bool> MayRunOrdersAsync(ClaimsPrincipal user, CancellationToken ct = default) => HoldsAsync(user, [Roles.Admin, Roles.Orders], ct);
}

/// <summary>A merchant page's requirement: one of these staff roles, as <see cref="StaffAccess"/> reads it.</summary>
internal sealed class StaffRequirement(params string[] roles) : IAuthorizationRequirement
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

internal sealed class StaffRequirementHandler(StaffAccess staff) : AuthorizationHandler<StaffRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffRequirement requirement)
    {
        if (await staff.HoldsAsync(context.User, requirement.Roles)) context.Succeed(requirement);
    }
}

internal static class StaffPages
{
    /// <summary>Each staff policy and the roles it lets in: the one place the policies, the menu and the dashboard read.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> PolicyRoles = new Dictionary<string, string[]>
    {
        [Roles.AdminPolicy] = [Roles.Admin],
        [Roles.StaffPolicy] = [.. Roles.Staff],
        [Roles.CatalogPolicy] = [Roles.Admin, Roles.Catalog],
        [Roles.OrdersPolicy] = [Roles.Admin, Roles.Orders],
    };

    /// <summary>The admin area's folders and who opens them; the area as a whole is for any staff role.</summary>
    public static readonly IReadOnlyList<(string Folder, string Policy)> Folders =
    [
        ("/Products", Roles.CatalogPolicy), ("/Categories", Roles.CatalogPolicy), ("/Stock", Roles.CatalogPolicy),
        ("/Reviews", Roles.CatalogPolicy), ("/Discounts", Roles.CatalogPolicy), ("/Sales", Roles.CatalogPolicy),
        ("/Search", Roles.CatalogPolicy), ("/Recommendations", Roles.CatalogPolicy),
        ("/Orders", Roles.OrdersPolicy), ("/Returns", Roles.OrdersPolicy), ("/Customers", Roles.OrdersPolicy),
        ("/Reports", Roles.AdminPolicy), ("/Events", Roles.AdminPolicy), ("/Staff", Roles.AdminPolicy), ("/Content", Roles.AdminPolicy),
    ];

    /// <summary>Whether <paramref name="role"/> (null: not staff) opens the pages of a policy.</summary>
    public static bool Allows(string? role, string policy) => role is not null && PolicyRoles[policy].Contains(role);

    /// <summary>Whether <paramref name="role"/> opens an admin folder ("/Orders"); what the menu and dashboard show.</summary>
    public static bool Opens(string? role, string folder) =>
        Allows(role, Folders.FirstOrDefault(f => f.Folder == folder).Policy ?? Roles.StaffPolicy);

    public static Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection AuthorizeStaffPages(
        this Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection conventions)
    {
        conventions.AuthorizeAreaFolder("Admin", "/", Roles.StaffPolicy);
        foreach (var (folder, policy) in Folders) conventions.AuthorizeAreaFolder("Admin", folder, policy);
        return conventions;
    }
}

public static class StaffAccounts
{
    /// <summary>The account's staff role, or null for a shopper's account.</summary>
    public static async Task<string?> StaffRoleAsync(this UserManager<StoreUser> users, StoreUser user) =>
        Roles.Staff.FirstOrDefault((await users.GetRolesAsync(user)).Contains);

    public static async Task<bool> IsStaffAsync(this UserManager<StoreUser> users, StoreUser user) =>
        await users.StaffRoleAsync(user) is not null;
}
