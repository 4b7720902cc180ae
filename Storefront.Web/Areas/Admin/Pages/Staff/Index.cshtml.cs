using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Staff;

/// <summary>
/// The owners' page of the store's staff: who has which role, inviting someone by e-mail, changing
/// or taking away a role, withdrawing an invitation, and the record of these changes.
/// </summary>
public sealed class IndexModel(StaffDirectory staff, TimeProvider clock, Microsoft.Extensions.Options.IOptions<AccountOptions> accounts) : PageModel
{
    public const int ChangesShown = 50;

    public IReadOnlyList<StaffMember> Members { get; private set; } = [];
    public IReadOnlyList<PendingInvitation> Invitations { get; private set; } = [];
    public IReadOnlyList<StaffChange> Changes { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    [BindProperty] public string? InviteEmail { get; set; }
    [BindProperty] public string? InviteRole { get; set; } = Roles.Catalog;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken ct)
    {
        if (!StaffDirectory.IsAddress(InviteEmail)) ModelState.AddModelError(nameof(InviteEmail), "Enter the e-mail address to invite, such as sam@example.com.");
        if (!Roles.IsStaffRole(InviteRole)) ModelState.AddModelError(nameof(InviteRole), "Choose one of the roles.");
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var address = InviteEmail!.Trim();
        var result = await staff.InviteAsync(User, address, InviteRole!, ct);
        if (result.Outcome == StaffOutcome.AlreadyStaff)
        {
            ModelState.AddModelError(nameof(InviteEmail), $"{address} is on the staff already; change its role in the list above.");
            await LoadAsync(ct);
            return Page();
        }
        if (result.Succeeded) TempData.Notice($"An invitation to join as {Roles.Title(InviteRole!)} is on its way to {address}. Its link works for {AccountMails.Describe(accounts.Value.StaffInvitationLifetime)}.");
        else TempData.Problem(Say(result.Outcome));
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRoleAsync(string? user, string? role, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(user) || user.Length > 64 || !Roles.IsStaffRole(role))
        {
            TempData.Problem("Choose one of the roles.");
            return RedirectToPage();
        }
        var result = await staff.SetRoleAsync(User, user, role, ct);
        if (result.Succeeded) TempData.Notice($"The role is now {Roles.Title(role!)}. It counts from the next page they open.");
        else TempData.Problem(Say(result.Outcome));
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? user, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(user) || user.Length > 64) return RedirectToPage();
        var result = await staff.SetRoleAsync(User, user, null, ct);
        if (result.Succeeded) TempData.Notice("The account is no longer on the staff: from its next request it opens no merchant page. It stays a shopper's account.");
        else TempData.Problem(Say(result.Outcome));
        // An owner who took their own role away can no longer see this page.
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid invitation, CancellationToken ct)
    {
        var result = await staff.WithdrawAsync(User, invitation, ct);
        if (result.Succeeded) TempData.Notice("The invitation is withdrawn: its link no longer works.");
        else TempData.Problem(Say(result.Outcome));
        return RedirectToPage();
    }

    private static string Say(StaffOutcome outcome) => outcome switch
    {
        StaffOutcome.NotOwner => "Only an owner changes the staff, and your account is no longer an owner's. Nothing was changed.",
        StaffOutcome.LastOwner => "That would leave the store without an owner. Make someone else an owner first. Nothing was changed.",
        StaffOutcome.NotFound => "That account or invitation is not on the staff list any more (someone else changed it just now). Nothing was changed.",
        StaffOutcome.TooManyInvitations => $"{StaffDirectory.MostPendingInvitations} invitations are waiting to be accepted already. Withdraw some first.",
        _ => "That could not be done. Nothing was changed.",
    };

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Members = await staff.ListAsync(ct);
        Invitations = await staff.PendingAsync(ct);
        Changes = await staff.HistoryAsync(ChangesShown, ct);
    }
}
