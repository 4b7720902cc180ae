using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

public sealed class ForgotPasswordModel(UserManager<StoreUser> users, IEmailSender email, IStoreLinks links, AccountMailLimits limits,
    IOptions<AccountOptions> options) : PageModel
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
        // At most a few reset e-mails per account per hour, whoever asks: the form must not be a
        // way to flood someone's inbox. The answer stays the same.
        if (!await limits.TryCountAsync($"account:reset-mails:{user.Id}", options.Value.ResetMailsPerHour)) return Page();
        var token = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        // The link comes from the configured public address: the request's Host header is the sender's choice.
        var link = links.Absolute(Url.Page("/Account/ResetPassword", new { email = user.Email, token })!);
        await email.SendAsync(new EmailMessage(user.Email, "Reset your Storefront password",
            $"""
            Hello {user.DisplayName},

            Someone (we hope you) asked to reset the password of your Storefront account.
            Open this link within two hours to choose a new one:

            {link}

            If it was not you, ignore this e-mail; your password stays as it is.
            """), ct);
        return Page();
    }
}
