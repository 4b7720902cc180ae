using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

public sealed class ForgotPasswordModel(UserManager<StoreUser> users, AccountMails mails) : PageModel
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
        // The answer is the same whether or not the address has an account, so the form cannot be
        // used to find out who shops here.
        Sent = true;
        var user = await users.FindByEmailAsync(Email.Trim());
        if (user?.Email is null) return Page();
        // At most a few reset e-mails per account per hour, whoever asks (the form must not be a way
        // to flood someone's inbox), and later when the mail server is away. The answer stays the same.
        await mails.SendPasswordResetAsync(user, ct);
        return Page();
    }
}
