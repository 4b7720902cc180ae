using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Areas.Admin;

/// <summary>A SKU that is running out, with the product it belongs to (null for stock of no product).</summary>
public sealed record LowStockRow(SkuStock Stock, AdminProductRow? Product);

/// <summary>The merchant's low-stock list: Inventory's page of SKUs, named from the catalog.</summary>
public sealed record LowStockList(LowStockPage Page, IReadOnlyList<LowStockRow> Rows)
{
    /// <summary>At or below this many available, a SKU is low.</summary>
    public const int Threshold = 5;

    public static async Task<LowStockList> ReadAsync(IPricesAndStock stock, ICatalogAdmin catalog, int page, int pageSize, CancellationToken ct)
    {
        var low = await stock.LowStockPageAsync(Threshold, page, pageSize, ct);
        var products = await catalog.ProductsBySkuAsync(low.Items.Select(s => s.Sku).ToList(), ct);
        return new LowStockList(low, low.Items.Select(s => new LowStockRow(s, products.GetValueOrDefault(s.Sku))).ToList());
    }
}
