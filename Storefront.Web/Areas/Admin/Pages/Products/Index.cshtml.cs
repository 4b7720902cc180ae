using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;

namespace Storefront.Web.Areas.Admin.Pages.Products;

public sealed class IndexModel(ICatalogAdmin catalog, IProductFiles files) : PageModel
{
    /// <summary>Every product with its price and stock, as CSV in the import's columns.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"products-{DateTime.UtcNow:yyyy-MM-dd}.csv\"";
        Response.Headers.CacheControl = "no-store";
        await files.ExportAsync(Response.Body, ct);
        return new EmptyResult();
    }

    public Paged<AdminProductRow> Products { get; private set; } = default!;
    public IReadOnlyList<AdminCategoryRow> Categories { get; private set; } = [];
    public string? Search { get; private set; }
    public int? CategoryId { get; private set; }
    public string? Status { get; private set; }

    // "page" is also the route value naming the Razor page, which binding would otherwise read first.
    public async Task OnGetAsync(string? q, int? category, string? status, [FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        Search = q?.Length > 200 ? q[..200] : q;
        CategoryId = category;
        Status = status is "published" or "draft" ? status : null;
        Categories = await catalog.ListCategoriesAsync(cancellationToken);
        Products = await catalog.ListProductsAsync(new AdminProductQuery(Search, category,
            Status is null ? null : Status == "published", page ?? 1), cancellationToken);
    }

    public string PageLink(int page) =>
        Url.Page("/Products/Index") + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["q"] = Search, ["category"] = CategoryId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = Status, ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));
}
