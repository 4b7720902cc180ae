using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Areas.Admin.Pages;

public sealed class IndexModel(IPricesAndStock stock) : PageModel
{
    public IReadOnlyList<SkuStock> LowStock { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        LowStock = await stock.LowStockAsync(threshold: 5, take: 25, cancellationToken);
}
