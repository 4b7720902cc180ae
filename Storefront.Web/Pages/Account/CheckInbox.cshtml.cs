using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Storefront.Web.Identity;

namespace Storefront.Web.Pages.Account;

/// <summary>Where registering always ends, whether or not the address had an account.</summary>
public sealed class CheckInboxModel(IOptions<AccountOptions> options) : PageModel
{
    public string LinkLifetime => AccountMails.Describe(options.Value.ConfirmationLinkLifetime);

    public void OnGet()
    {
    }
}
