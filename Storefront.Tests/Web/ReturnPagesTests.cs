using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Web.Shopping;

namespace Storefront.Tests.Web;

public sealed class ReturnPagesFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Checkout:Returns:Address:0"] = "Returns desk",
        ["Checkout:Returns:Address:1"] = "12 Dock Road, Albany NY 12207",
    };
}

/// <summary>
/// Returns over HTTP: a guest asks from the order's page (with its key) and is e-mailed at each step;
/// the merchant approves and refunds from /admin/returns; bad input and strangers change nothing.
/// </summary>
public sealed class ReturnPagesTests(ReturnPagesFixture store) : IClassFixture<ReturnPagesFixture>
{
    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A guest's order of three units, shipped.</summary>
    private async Task<(OrderView Order, ShopFixture.TestProduct Product, string Email)> ShippedOrderAsync()
    {
        var email = $"ret-{Guid.NewGuid():N}@example.test";
        var product = await store.ProductAsync(onHand: 30);
        var cart = await With(sp => sp.GetRequiredService<ICarts>().StartAsync(default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cart, product.Sku, 3, default))).Succeeded);
        var placed = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null, email,
            new Address("Rory Return", "3 Back Lane", null, "Austin", "TX", "73301", "US"), "standard", TestPaymentGateway.SuccessCard), default));
        Assert.Equal(CheckoutOutcome.Completed, placed.Outcome);
        foreach (var step in new[] { "Packed", "Shipped" })
            Assert.True((await With(sp => sp.GetRequiredService<IOrderAdmin>().MoveAsync(placed.OrderNumber!, step, "UPS", "1Z7", "admin", default))).Succeeded);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(placed.OrderNumber!, default)))!;
        return (order, product, email);
    }

    private string Key(OrderView order) => Uri.EscapeDataString(store.Services.GetRequiredService<OrderAccess>().KeyFor(order));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(url));
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private Task<IReadOnlyList<ReturnView>> ReturnsOfAsync(string number) => With(sp => sp.GetRequiredService<IReturns>().ForOrderAsync(number, default));

    [Fact]
    public async Task A_guest_asks_to_return_products_from_the_order_page_and_the_merchant_approves_and_refunds_them()
    {
        var (order, product, email) = await ShippedOrderAsync();
        var shopper = store.Client();
        var orderUrl = $"/orders/{order.Number}?key={Key(order)}";
        var page = await shopper.GetDocumentAsync(orderUrl);
        var link = page.QuerySelector("#return-link")!.GetAttribute("href")!;
        Assert.StartsWith($"/orders/{order.Number}/return?key=", link, StringComparison.Ordinal);

        var form = await shopper.GetDocumentAsync(link);
        Assert.Equal(["0", "1", "2", "3"], form.QuerySelectorAll($"select[name='quantities[{product.Sku}]'] option").Select(o => o.GetAttribute("value")));
        var asked = await PostAsync(shopper, link, new() { [$"quantities[{product.Sku}]"] = "2", ["reason"] = "Too big" });
        Assert.Equal($"/orders/{order.Number}", asked.RequestMessage!.RequestUri!.AbsolutePath);
        var after = await Html.ParseAsync(await asked.Content.ReadAsStringAsync());
        var made = Assert.Single(await ReturnsOfAsync(order.Number));
        Assert.Contains($"Your return {made.Number} is requested", after.QuerySelector(".notice.ok")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Requested", after.QuerySelector($"li[data-return='{made.Number}'] .return-status")!.TextContent);
        await store.DrainOutboxAsync();
        Assert.Single(Mailbox.For(store, email, $"We have your return request {made.Number}"));
        // The merchants hear of it too, with what and why.
        var notice = Assert.Single(Mailbox.For(store, Storefront.Web.Identity.AdminBootstrapper.DemoEmail, $"Return asked for: {made.Number}"));
        Assert.Contains("Why: Too big", notice, StringComparison.Ordinal);
        Assert.Contains("/admin/returns", notice, StringComparison.Ordinal);

        // The merchant's list and dashboard show it; approving e-mails where to send it.
        var admin = await store.AdminClientAsync();
        Assert.NotNull((await admin.GetDocumentAsync("/admin")).QuerySelector("li[data-to-do='returns'] a[href='/admin/returns']"));
        var list = await admin.GetDocumentAsync("/admin/returns");
        var row = list.QuerySelector($"tr[data-return='{made.Number}']")!;
        Assert.Contains("Too big", row.TextContent, StringComparison.Ordinal);
        var approved = await PostAsync(admin, "/admin/returns?handler=Approve", new() { ["id"] = made.Id.ToString() });
        Assert.Contains($"Return {made.Number} approved", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await store.DrainOutboxAsync();
        var approval = Assert.Single(Mailbox.For(store, email, $"Your return {made.Number} is approved"));
        Assert.Contains("Returns desk, 12 Dock Road, Albany NY 12207", approval.Replace("\r\n", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);

        var before = await store.AvailableAsync(product.Sku);
        var refunded = await PostAsync(admin, "/admin/returns?handler=Refund", new() { ["id"] = made.Id.ToString(), ["restock"] = "true" });
        Assert.Contains($"Return {made.Number} refunded: {made.Amount}", WebUtility.HtmlDecode(await refunded.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(before + 2, await store.AvailableAsync(product.Sku));
        var end = await shopper.GetDocumentAsync(orderUrl);
        Assert.Equal("Refunded", end.QuerySelector($"li[data-return='{made.Number}'] .return-status")!.TextContent);
        Assert.Contains("partially refunded", end.QuerySelector("#order-status")!.TextContent, StringComparison.OrdinalIgnoreCase);
        // One more unit is still returnable.
        Assert.NotNull(end.QuerySelector("#return-link"));
        Assert.Contains(made.Number, (await admin.GetDocumentAsync($"/admin/orders/{order.Number}")).QuerySelector("#order-returns")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_quantities_or_no_reason_are_explained_on_the_form_and_save_nothing_and_strangers_see_no_such_page()
    {
        var (order, product, _) = await ShippedOrderAsync();
        var shopper = store.Client();
        var url = $"/orders/{order.Number}/return?key={Key(order)}";

        async Task<string> RefusedAsync(Dictionary<string, string> form)
        {
            var answer = await PostAsync(shopper, url, form);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal($"/orders/{order.Number}/return", answer.RequestMessage!.RequestUri!.AbsolutePath);
            return (await Html.ParseAsync(await answer.Content.ReadAsStringAsync())).QuerySelector("#return-problem")!.TextContent;
        }

        Assert.Equal("Choose how many of at least one product to return.", await RefusedAsync(new() { [$"quantities[{product.Sku}]"] = "0", ["reason"] = "Why not" }));
        Assert.Equal($"At most 3 of “{product.Title}” can be returned.", await RefusedAsync(new() { [$"quantities[{product.Sku}]"] = "4", ["reason"] = "Many" }));
        Assert.Equal($"At most 3 of “{product.Title}” can be returned.", await RefusedAsync(new() { [$"quantities[{product.Sku}]"] = "two", ["reason"] = "Words" }));
        Assert.Equal("That product is not in this order.", await RefusedAsync(new() { ["quantities[SOMETHING-ELSE]"] = "1", ["reason"] = "Other" }));
        Assert.StartsWith("Tell us why", await RefusedAsync(new() { [$"quantities[{product.Sku}]"] = "1", ["reason"] = "  " }), StringComparison.Ordinal);
        Assert.Empty(await ReturnsOfAsync(order.Number));

        // Without the order's key (another visitor, a guessed number) there is no such page.
        var stranger = store.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/orders/{order.Number}/return")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/orders/{order.Number}/return?key=made-up")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/orders/SF-NOPE-NOPE-NOPE/return")).StatusCode);
    }

    [Fact]
    public async Task An_order_not_shipped_yet_offers_no_return_and_its_return_page_says_why()
    {
        var email = $"early-{Guid.NewGuid():N}@example.test";
        var product = await store.ProductAsync(onHand: 5);
        var number = await MerchantNoticesFixture.OrderAsync(store, product, email);
        var order = (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(number, default)))!;
        var client = store.Client();
        Assert.Null((await client.GetDocumentAsync($"/orders/{number}?key={Key(order)}")).QuerySelector("#return-link"));
        var page = await client.GetDocumentAsync($"/orders/{number}/return?key={Key(order)}");
        Assert.Contains("once the order has shipped", page.QuerySelector("#cannot-return")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("form.return-form"));
    }
}
