using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// Registering answers the same whatever the address: a new one gets an unconfirmed account and a
/// confirmation link, one with an account gets a note to its owner and nothing else. Both go to the
/// same "check your inbox" page after the same password hashing work.
/// </summary>
public sealed class RegisterModel(UserManager<StoreUser> users, StaffAccess staff, IPasswordHasher<StoreUser> hasher, AccountMails mails,
    IOrders orders, OrderAccess access) : PageModel
{
    public sealed record InputModel
    {
        [Required(ErrorMessage = "Enter your name."), StringLength(100, ErrorMessage = "Keep your name under 100 characters.")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter your e-mail address."), EmailAddress(ErrorMessage = "Enter a valid e-mail address."), StringLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again."), Compare(nameof(Password), ErrorMessage = "The two passwords are not the same."), DataType(DataType.Password)]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    /// <summary>A guest order (number and key) to show once the new account is confirmed.</summary>
    [BindProperty(SupportsGet = true)] public string? Order { get; set; }
    [BindProperty(SupportsGet = true)] public string? Key { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true) return RedirectToPage("/Account/Index");
        // Coming from a guest order: start from the e-mail address it was placed with.
        if (await GuestOrderAsync(ct) is { } order) Input.Email = order.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var email = Input.Email.Trim();
        var user = new StoreUser { UserName = email, Email = email, DisplayName = Input.DisplayName.Trim() };
        // The password rules are checked before the address is looked up, so what they say cannot
        // depend on whether it has an account.
        foreach (var validator in users.PasswordValidators)
            foreach (var error in (await validator.ValidateAsync(users, user, Input.Password)).Errors)
                AddError("Input.Password", error.Description);
        if (!ModelState.IsValid) return Page();

        if (await users.FindByEmailAsync(email) is { } existing)
        {
            // The hashing a new account costs, so the answer takes as long.
            hasher.HashPassword(existing, Input.Password);
            await mails.SendRegistrationNoticeAsync(existing, ct);
            return RedirectToPage("/Account/CheckInbox");
        }

        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, Input.Password);
        }
        catch (DbUpdateException)
        {
            // Someone registered the same address a moment ago: it has an account now, answer as for one.
            return RedirectToPage("/Account/CheckInbox");
        }
        if (created.Succeeded)
        {
            var order = await GuestOrderAsync(ct);
            await mails.SendConfirmationAsync(user, order is not null && string.Equals(order.Email, email, StringComparison.OrdinalIgnoreCase) ? order.Number : null, ct);
            return RedirectToPage("/Account/CheckInbox");
        }
        if (created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName")) return RedirectToPage("/Account/CheckInbox");
        // What is left depends on the address as typed (characters a user name cannot have), never on an account.
        foreach (var error in created.Errors) AddError(error.Code is "InvalidEmail" or "InvalidUserName" ? "Input.Email" : "", error.Description);
        return Page();
    }

    private void AddError(string field, string message)
    {
        if (!ModelState[field]?.Errors.Any(e => e.ErrorMessage == message) ?? true) ModelState.AddModelError(field, message);
    }

    private async Task<OrderView?> GuestOrderAsync(CancellationToken ct) =>
        Order is not null && await orders.GetAsync(Order, ct) is { UserId: null } order && await access.MayViewAsync(User, order, Key, staff) ? order : null;
}
