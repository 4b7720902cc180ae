using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Recommendations.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Recommendations;

/// <summary>Real orders for the recommendation tests: a cart filled and paid through the checkout.</summary>
internal static class Orders
{
    /// <summary>Places one paid order of one of each product for <paramref name="email"/>; returns its number.</summary>
    public static async Task<string> PlaceAsync(StoreFixture store, string email, params ShopFixture.TestProduct[] products)
    {
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var cart = await carts.StartAsync(default);
        foreach (var product in products) Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        var result = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            email, new Address("Sam Shopper", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default);
        Assert.True(result.Succeeded, English.Of(result.Problem));
        return result.OrderNumber!;
    }
}

/// <summary>What the recommendation tests ask of one store again and again.</summary>
internal sealed class Lists(StoreFixture store)
{
    public async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A guest e-mail address no other order uses.</summary>
    public static string Shopper(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    /// <summary>A product's list as shoppers get it (pins, co-purchases, popular products, fill).</summary>
    public Task<IReadOnlyList<RecommendedItem>> ListAsync(string sku) => With(sp => sp.GetRequiredService<IRecommendations>().AlsoBoughtAsync(sku, default));

    public Task RebuildAsync() => With(sp => sp.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(default));
}
