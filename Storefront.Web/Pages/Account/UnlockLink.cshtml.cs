using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

/// <summary>
/// A new unlock link for a paused merchant, by e-mail only; the answer is the same for any address.
/// Limited per client address, not per account, like the unlock page.
/// </summary>
public sealed class UnlockLinkModel(UserManager<StoreUser> users, MerchantUnlock unlock, IOptions<AccountOptions> options) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your e-mail address."), EmailAddress(ErrorMessage = "Enter a valid e-mail address."), StringLength(256)]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public string Interval => AccountMails.Describe(options.Value.UnlockMailInterval);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        Sent = true;
        if (await users.FindByEmailAsync(Email.Trim()) is { } user && await unlock.IsPausedAsync(user)) await unlock.SendLinkAsync(user, ct);
        return Page();
    }
}
