using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// A new confirmation link, by e-mail only: the answer is the same for an unknown address, a
/// confirmed account and one waiting for confirmation, so the form tells no one who has an account.
/// </summary>
public sealed class ResendConfirmationModel(UserManager<StoreUser> users, AccountMails mails) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your e-mail address."), EmailAddress(ErrorMessage = "Enter a valid e-mail address."), StringLength(256)]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        Sent = true;
        if (await users.FindByEmailAsync(Email.Trim()) is { EmailConfirmed: false } user) await mails.SendConfirmationAsync(user, null, ct);
        return Page();
    }
}
