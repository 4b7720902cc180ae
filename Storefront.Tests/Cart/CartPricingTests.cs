using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;

namespace Storefront.Tests.Cart;

public sealed class CartPricingStoreFixture : ShopFixture;

/// <summary>
/// The cart page and checkout price a cart by one rule: the same lines can be bought, the same
/// problems are named in the same words, and the subtotal is the same.
/// </summary>
public sealed class CartPricingTests(CartPricingStoreFixture store) : IClassFixture<CartPricingStoreFixture>
{
    private static readonly Address Home = new("Ada Shopper", "1 Market Street", null, "San Francisco", "CA", "94105", "US");

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<ShopFixture.TestProduct> InCartAsync(Guid cart, int onHand, int quantity)
    {
        var product = await store.ProductAsync(onHand);
        var added = await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, quantity, default));
        Assert.True(added.Succeeded, English.Of(added.Problem));
        return product;
    }

    [Fact]
    public async Task Checkout_quotes_the_lines_problems_and_subtotal_the_cart_page_shows()
    {
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        var fine = await InCartAsync(cart, onHand: 20, quantity: 2);
        var repriced = await InCartAsync(cart, onHand: 20, quantity: 1);
        var short_ = await InCartAsync(cart, onHand: 8, quantity: 2);
        var soldOut = await InCartAsync(cart, onHand: 8, quantity: 1);
        var withdrawn = await InCartAsync(cart, onHand: 8, quantity: 1);
        var euro = await InCartAsync(cart, onHand: 8, quantity: 1);
        await With(async sp =>
        {
            var stock = sp.GetRequiredService<IPricesAndStock>();
            var holds = sp.GetRequiredService<IStockReservations>();
            Assert.True((await stock.SetPriceAsync(repriced.Sku, repriced.Price + 3m, "USD", default)).Succeeded);
            // Holds that ran out while the stock went elsewhere.
            foreach (var (sku, left) in new[] { (short_.Sku, 1), (soldOut.Sku, 0) })
            {
                await holds.ReleaseAsync(CartHolds.HolderOf(cart), sku, default);
                Assert.True((await stock.SetOnHandAsync(sku, left, new StockChangeContext("test", "Test stock"), default)).Succeeded);
            }
            Assert.True(await sp.GetRequiredService<ICatalogAdmin>().SetPublishedAsync(withdrawn.Id, false, default));
            Assert.True((await stock.SetPriceAsync(euro.Sku, 10m, "EUR", default)).Succeeded);
            return true;
        });

        var priced = await With(sp => sp.GetRequiredService<ICartPricing>().PriceAsync(cart, default));
        var quote = await With(sp => sp.GetRequiredService<ICheckout>().QuoteAsync(cart, Home, "standard", default));

        Assert.Equal(new Dictionary<string, CartLineProblem>
        {
            [fine.Sku] = CartLineProblem.None, [repriced.Sku] = CartLineProblem.None, [short_.Sku] = CartLineProblem.NotEnoughStock,
            [soldOut.Sku] = CartLineProblem.OutOfStock, [withdrawn.Sku] = CartLineProblem.NotSold, [euro.Sku] = CartLineProblem.OtherCurrency,
        }, priced.Lines.ToDictionary(l => l.Sku, l => l.Problem));
        Assert.False(priced.CanCheckOut);
        Assert.False(quote.CanOrder);
        Assert.Equal(priced.Purchasable.Select(l => (l.Sku, l.Quantity, l.UnitPrice!.Value)).Order(),
            quote.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPrice)).Order());
        Assert.Equal(fine.Price * 2 + repriced.Price + 3m, priced.Subtotal.Amount);
        Assert.Equal(priced.Subtotal, quote.Subtotal);
        Assert.Equal(CartNotices.ProblemsOf(priced).Select(English.Words.Of), quote.Problems.Select(English.Words.Of));
        Assert.Equal(4, quote.Problems.Count);
        Assert.Contains($"{short_.Title}: Only 1 left. Lower the quantity to buy it.", quote.Problems.Select(English.Words.Of));
        // The cart does not make up a title for a product the catalog no longer has; the host names it.
        Assert.Null(priced.Lines.Single(l => l.Sku == withdrawn.Sku).Title);
        Assert.Contains("Product no longer sold: This product is no longer available. Please remove it.", quote.Problems.Select(English.Words.Of));
        Assert.Equal(["This product is priced in EUR, but the store charges in USD. Please remove it."],
            CartNotices.Of(priced, priced.Lines.Single(l => l.Sku == euro.Sku)).Select(English.Words.Of));
    }

    [Fact]
    public async Task A_cart_mixing_currencies_is_refused_alike_by_the_cart_page_the_checkout_pages_and_the_saga()
    {
        var dollars = await store.ProductAsync(onHand: 20);
        var euros = await store.ProductAsync(onHand: 20);
        var client = store.Client();
        foreach (var product in new[] { dollars, euros })
        {
            var page = await client.GetStringAsync($"/p/{product.Slug}");
            var added = await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = "/cart", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
            }));
            added.EnsureSuccessStatusCode();
        }
        Assert.True((await With(sp => sp.GetRequiredService<IPricesAndStock>().SetPriceAsync(euros.Sku, 15m, "EUR", default))).Succeeded);
        const string refusal = "This product is priced in EUR, but the store charges in USD. Please remove it.";

        var cartPage = await client.GetDocumentAsync("/cart");
        var line = cartPage.QuerySelector($"tr.cart-line[data-sku='{euros.Sku}']")!;
        Assert.Contains("unavailable", line.ClassName, StringComparison.Ordinal);
        Assert.Equal(refusal, line.QuerySelector(".line-message")!.TextContent);
        Assert.Contains($"${dollars.Price:#,##0.00}", cartPage.QuerySelector(".subtotal")!.TextContent, StringComparison.Ordinal);
        Assert.Null(cartPage.QuerySelector(".checkout-link"));

        var checkoutPage = await client.GetDocumentAsync("/checkout");
        Assert.Equal($"{euros.Title}: {refusal}", checkoutPage.QuerySelector("[role=alert].flash")!.TextContent);
        Assert.NotNull(checkoutPage.QuerySelector($"tr.cart-line[data-sku='{euros.Sku}']"));

        // Placing the order anyway (a stale review page) charges nothing and says the same.
        var cartId = (await With(sp => sp.GetRequiredService<IStockReservations>().HoldsAsync(euros.Sku, default))).Single().Holder;
        var result = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(),
            Guid.ParseExact(cartId["cart:".Length..], "N"), null, "ada@example.test", Home, "standard", TestPaymentGateway.SuccessCard, null), default));
        Assert.Equal(CheckoutOutcome.Invalid, result.Outcome);
        Assert.Equal($"{euros.Title}: {refusal}", string.Join(" ", result.Problems.Select(English.Words.Of)));
    }
}
