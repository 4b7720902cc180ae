using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;

namespace Storefront.Web.Identity;

/// <summary>An account as the merchant's customer list shows it.</summary>
public sealed record AccountRow(string Id, string Email, string Name, bool Confirmed, bool Merchant);

public sealed record AccountPage(IReadOnlyList<AccountRow> Rows, int Page, int PageSize, long Total)
{
    public int Pages => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>Accounts found by a part of their e-mail address (any case), in address order, a page at a time.</summary>
public sealed class AccountDirectory(UserManager<StoreUser> users, AppIdentityDbContext db)
{
    public async Task<AccountPage> FindAsync(string? addressPart, int page, int pageSize, CancellationToken ct)
    {
        var accounts = users.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(addressPart))
        {
            var needle = addressPart.Trim().ToUpperInvariant();
            accounts = accounts.Where(u => u.NormalizedEmail!.Contains(needle));
        }
        var total = await accounts.LongCountAsync(ct);
        var at = Paging.Within(page, pageSize, total);
        var found = await accounts.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)
            .Skip((at - 1) * pageSize).Take(pageSize)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.EmailConfirmed })
            .ToListAsync(ct);
        var ids = found.Select(u => u.Id).ToList();
        var merchants = (await (from held in db.UserRoles
                                join role in db.Roles on held.RoleId equals role.Id
                                where ids.Contains(held.UserId) && Roles.Staff.Contains(role.Name!)
                                select held.UserId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return new AccountPage(found.Select(u => new AccountRow(u.Id, u.Email ?? "", u.DisplayName, u.EmailConfirmed, merchants.Contains(u.Id))).ToList(),
            at, pageSize, total);
    }
}
