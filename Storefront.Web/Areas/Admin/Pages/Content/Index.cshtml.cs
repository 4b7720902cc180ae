using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Areas.Admin.Pages.Content;

public sealed class IndexModel(IStorePagesAdmin pages) : PageModel
{
    public IReadOnlyList<StorePageRow> Pages { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Pages = await pages.ListAsync(ct);
}
