using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Areas.Admin.Pages.Customers;

/// <summary>One shopper account: its orders, and deleting it when the shopper asks the store to (the address typed again to say so).</summary>
public sealed class DetailModel(UserManager<StoreUser> users, IOrders orders, AccountDeletion deletion) : PageModel
{
    public StoreUser Account { get; private set; } = default!;
    /// <summary>The account's staff role; null for a shopper.</summary>
    public string? StaffRole { get; private set; }
    public bool Merchant => StaffRole is not null;
    public IReadOnlyList<OrderSummary> Orders { get; private set; } = [];

    /// <summary>The account's address typed again: nothing is deleted by a slip of the mouse.</summary>
    [BindProperty] public string? ConfirmEmail { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            // Deleted meanwhile (another merchant, or the shopper): the outcome is the one asked for.
            TempData.Notice("That account no longer exists.");
            return RedirectToPage("/Customers/Index");
        }
        if (Merchant)
        {
            ModelState.AddModelError(nameof(ConfirmEmail), "A staff account is not deleted here: an owner first takes away its role on the staff page.");
            return Page();
        }
        if (!string.Equals(ConfirmEmail?.Trim(), Account.Email, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError(nameof(ConfirmEmail), "Type the account's e-mail address exactly to delete it.");
            return Page();
        }
        var result = await deletion.DeleteAsync(Account, browserVisitor: null, ct);
        if (result.Outcome != AccountDeletionOutcome.Deleted)
        {
            ModelState.AddModelError(nameof(ConfirmEmail), "The account could not be deleted just now. It is still there: try again in a few minutes.");
            return Page();
        }
        TempData.Notice(result.OrdersKept switch
        {
            0 => $"The account of {Account.Email} was deleted.",
            1 => $"The account of {Account.Email} was deleted. Its order stays with the store as a guest order.",
            var n => $"The account of {Account.Email} was deleted. Its {n} orders stay with the store as guest orders.",
        });
        return RedirectToPage("/Customers/Index");
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || await users.FindByIdAsync(id) is not { } account) return false;
        Account = account;
        StaffRole = await users.StaffRoleAsync(account);
        Orders = await orders.ForUserAsync(account.Id, ct);
        return true;
    }
}
