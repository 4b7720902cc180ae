using Microsoft.AspNetCore.Mvc;
using Storefront.Catalog.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.ViewComponents;

/// <summary>
/// "By placing your order you agree to our Terms and conditions and Privacy notice": the store
/// pages the merchant marked for checkout, beside every button that places an order. Nothing when
/// there are none, or when they cannot be read.
/// </summary>
public sealed class OrderTermsViewComponent(IStorePages pages) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        try
        {
            return View((await pages.LinksAsync(HttpContext.RequestAborted)).AtCheckout);
        }
        catch (Exception ex) when (DependencyOutages.Of(ex) is not null)
        {
            return View((IReadOnlyList<StorePageLink>)[]);
        }
    }
}
