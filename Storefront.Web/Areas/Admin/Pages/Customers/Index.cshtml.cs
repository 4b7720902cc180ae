using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Web.Identity;

namespace Storefront.Web.Areas.Admin.Pages.Customers;

/// <summary>Shopper accounts, found by e-mail address: where a merchant acts on a shopper's request about their account.</summary>
public sealed class IndexModel(AccountDirectory directory) : PageModel
{
    public const int PageSize = 25;

    public string? Search { get; private set; }
    public AccountPage Accounts { get; private set; } = default!;

    // "page" is also the route value naming the Razor page, which binding would otherwise read first.
    public async Task OnGetAsync(string? q, [FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        Search = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 256)];
        Accounts = await directory.FindAsync(Search, page ?? 1, PageSize, ct);
    }

    public string PageLink(int page) =>
        Url.Page("/Customers/Index") + QueryString.Create(new Dictionary<string, string?>
        {
            ["q"] = Search, ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));
}
