using System.Net;
using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class FormValidationFixture : ShopFixture;

/// <summary>
/// Every kind of bad number on every admin form that takes one: the message beside the field, the
/// page shown again (never an error page) and nothing changed. Over HTTP with the forms' own tokens.
/// </summary>
public sealed class FormValidationTests(FormValidationFixture store) : IClassFixture<FormValidationFixture>
{
    public static TheoryData<string, string> BadPrices => new()
    {
        { "-1", "A price cannot be negative." },
        { "19.999", "A price has at most two decimals, such as 19.99." },
        { "10000000000", "A price is at most 9,999,999,999.99." },
        { "abc", "Enter the price as a number such as 19.99." },
        { "1,5", "Enter the price as a number such as 19.99." },
        { "", "Enter a price such as 19.99." },
    };

    public static TheoryData<string, string> BadStockLevels => new()
    {
        { "-1", "Stock must be a whole number between 0 and 1,000,000,000." },
        { "2.5", "Enter the units on hand as a whole number, such as 12." },
        { "1000000001", "Stock must be a whole number between 0 and 1,000,000,000." },
        { "abc", "Enter the units on hand as a whole number, such as 12." },
        { "", "Enter the units on hand, such as 12." },
    };

    public static TheoryData<string, string> BadStockChanges => new()
    {
        { "1.5", "Enter a whole number of units, such as 12 or -3." },
        { "2000000000", "Adjust by at most 1,000,000,000 units." },
        { "-2000000000", "Adjust by at most 1,000,000,000 units." },
        { "ten", "Enter a whole number of units, such as 12 or -3." },
        { "", "Enter a whole number of units, such as 12 or -3." },
    };

    private static string MessageFor(IDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent ?? throw new Xunit.Sdk.XunitException($"No message beside {field}.");

    private async Task<(SkuStock Stock, int LedgerLines)> StockStateAsync(string sku)
    {
        using var scope = store.Services.CreateScope();
        var stock = scope.ServiceProvider.GetRequiredService<IPricesAndStock>();
        return ((await stock.GetAsync(sku, default))!, (await stock.LedgerAsync(sku, 500, default)).Count);
    }

    private async Task<(IDocument Page, HttpStatusCode Status)> PostAsync(HttpClient client, string url, string formPage, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(formPage));
        var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        return (await Html.ParseAsync(await response.Content.ReadAsStringAsync()), response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadPrices))]
    public async Task A_bad_price_on_the_stock_form_is_shown_beside_the_field_and_changes_nothing(string price, string message)
    {
        var product = await store.ProductAsync(onHand: 40);
        var before = await StockStateAsync(product.Sku);
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, "/admin/stock", $"/admin/stock?sku={product.Sku}", new()
        {
            ["Input.Sku"] = product.Sku, ["Input.Price"] = price, ["Input.Currency"] = "USD", ["Input.OnHand"] = "41",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, MessageFor(page, "Input.Price"));
        Assert.Equal(price, page.QuerySelector("#Input_Price")!.GetAttribute("value"));
        Assert.Equal(before, await StockStateAsync(product.Sku));
    }

    [Theory]
    [MemberData(nameof(BadStockLevels))]
    public async Task A_bad_stock_level_on_the_stock_form_is_shown_beside_the_field_and_changes_nothing(string onHand, string message)
    {
        var product = await store.ProductAsync(onHand: 40);
        var before = await StockStateAsync(product.Sku);
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, "/admin/stock", $"/admin/stock?sku={product.Sku}", new()
        {
            ["Input.Sku"] = product.Sku, ["Input.Price"] = "12.00", ["Input.Currency"] = "USD", ["Input.OnHand"] = onHand,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, MessageFor(page, "Input.OnHand"));
        Assert.Equal(before, await StockStateAsync(product.Sku));
    }

    [Theory]
    [MemberData(nameof(BadStockChanges))]
    public async Task A_bad_stock_adjustment_is_shown_beside_the_field_and_changes_nothing(string delta, string message)
    {
        var product = await store.ProductAsync(onHand: 40);
        var before = await StockStateAsync(product.Sku);
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, "/admin/stock?handler=Adjust", $"/admin/stock?sku={product.Sku}", new()
        {
            ["Adjustment.Sku"] = product.Sku, ["Adjustment.Delta"] = delta, ["Adjustment.Reason"] = "Delivery",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, MessageFor(page, "Adjustment.Delta"));
        Assert.Equal(before, await StockStateAsync(product.Sku));
    }

    [Fact]
    public async Task Two_merchants_on_the_stock_page_save_only_what_each_changed_and_a_stale_price_is_refused()
    {
        var product = await store.ProductAsync(onHand: 40);
        var (first, second) = (await store.AdminClientAsync(), await store.AdminClientAsync());
        async Task<Dictionary<string, string>> OpenAsync(HttpClient client)
        {
            var page = await client.GetDocumentAsync($"/admin/stock?sku={product.Sku}");
            var form = page.QuerySelector("form.form-grid")!;
            var fields = form.QuerySelectorAll("input[name]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
            fields["__RequestVerificationToken"] = Html.AntiforgeryToken(page.DocumentElement.OuterHtml);
            return fields;
        }
        var (formA, formB) = (await OpenAsync(first), await OpenAsync(second));
        var price = formA["Input.Price"];

        formA["Input.Price"] = "77.00";
        await first.PostAsync("/admin/stock", new FormUrlEncodedContent(formA));
        formB["Input.OnHand"] = "45";
        formB["Input.Reason"] = "Recount";
        var saved = await Html.ParseAsync(await (await second.PostAsync("/admin/stock", new FormUrlEncodedContent(formB))).Content.ReadAsStringAsync());
        Assert.Equal($"{product.Sku}: price and stock saved.", saved.QuerySelector("[role=status]")!.TextContent);
        var (stock, _) = await StockStateAsync(product.Sku);
        Assert.Equal((77.00m, 45), (stock.Price.Amount, stock.OnHand)); // the first merchant's price stays

        // The second merchant's old view of the price, changed: refused, the typed price kept, the current one named.
        formB["Input.Price"] = "12.00";
        formB["Input.OnHand"] = formB["Input.WasOnHand"];
        var refused = await Html.ParseAsync(await (await second.PostAsync("/admin/stock", new FormUrlEncodedContent(formB))).Content.ReadAsStringAsync());
        Assert.StartsWith("Someone else changed this SKU after you opened the page: the price is now $77.00 and 45 units are on hand.",
            refused.QuerySelector(".notice.error[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("12.00", refused.QuerySelector("#Input_Price")!.GetAttribute("value"));
        Assert.Equal("77.00", refused.QuerySelector("input[name='Input.WasPrice']")!.GetAttribute("value"));
        Assert.Equal((77.00m, 45), ((await StockStateAsync(product.Sku)).Stock.Price.Amount, (await StockStateAsync(product.Sku)).Stock.OnHand));
        Assert.NotEqual("77.00", price);
    }

    [Fact]
    public async Task Good_values_on_the_stock_forms_are_saved_and_the_page_comes_back_with_a_notice()
    {
        var product = await store.ProductAsync(onHand: 40);
        var client = await store.AdminClientAsync();
        var (saved, _) = await PostAsync(client, "/admin/stock", $"/admin/stock?sku={product.Sku}", new()
        {
            ["Input.Sku"] = product.Sku, ["Input.Price"] = " 12.5 ", ["Input.Currency"] = "usd", ["Input.OnHand"] = "45", ["Input.Reason"] = "Recount",
        });
        Assert.Equal($"{product.Sku}: price and stock saved.", saved.QuerySelector("[role=status]")!.TextContent);
        var (adjusted, _) = await PostAsync(client, "/admin/stock?handler=Adjust", $"/admin/stock?sku={product.Sku}", new()
        {
            ["Adjustment.Sku"] = product.Sku, ["Adjustment.Delta"] = "-3", ["Adjustment.Reason"] = "Damaged",
        });
        Assert.Equal($"{product.Sku}: -3 units recorded.", adjusted.QuerySelector("[role=status]")!.TextContent);
        var (stock, _) = await StockStateAsync(product.Sku);
        Assert.Equal((12.50m, "USD", 42), (stock.Price.Amount, stock.Price.Currency, stock.OnHand));
    }

    [Theory]
    [MemberData(nameof(BadPrices))]
    public async Task A_bad_refund_amount_is_shown_beside_the_field_and_refunds_nothing(string amount, string message)
    {
        var number = await OrderAsync();
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, $"/admin/orders/{number}?handler=Refund", $"/admin/orders/{number}", new()
        {
            ["Refund.RequestId"] = Guid.NewGuid().ToString(), ["Refund.Amount"] = amount,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, MessageFor(page, "Refund.Amount"));
        Assert.Equal(amount, page.QuerySelector("#Refund_Amount")!.GetAttribute("value"));
        using var scope = store.Services.CreateScope();
        var order = (await scope.ServiceProvider.GetRequiredService<IOrders>().GetAsync(number, default))!;
        Assert.Equal((0m, "None"), (order.Refunded.Amount, order.RefundState));
    }

    [Theory]
    [MemberData(nameof(BadPrices))]
    public async Task A_bad_price_for_a_new_product_is_shown_beside_the_field_and_creates_nothing(string price, string message)
    {
        var sku = $"FORM-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, "/admin/products/new", "/admin/products/new", NewProduct(sku, price, "5"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, page.QuerySelector("#Input_Price_error")!.TextContent);
        await AssertNothingCreatedAsync(sku);
    }

    [Theory]
    [MemberData(nameof(BadStockLevels))]
    public async Task A_bad_stock_level_for_a_new_product_is_shown_beside_the_field_and_creates_nothing(string onHand, string message)
    {
        var sku = $"FORM-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        var client = await store.AdminClientAsync();
        var (page, status) = await PostAsync(client, "/admin/products/new", "/admin/products/new", NewProduct(sku, "9.99", onHand));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(message, page.QuerySelector("#Input_OnHand_error")!.TextContent);
        await AssertNothingCreatedAsync(sku);
    }

    private static Dictionary<string, string> NewProduct(string sku, string price, string onHand) => new()
    {
        ["Input.Title"] = "Form Check Lamp", ["Input.Sku"] = sku, ["Input.Slug"] = sku.ToLowerInvariant(), ["Input.Brand"] = "Formwork",
        ["Input.CategoryId"] = "1", ["Input.Description"] = "", ["Input.Price"] = price, ["Input.OnHand"] = onHand, ["Input.Published"] = "true",
    };

    private async Task AssertNothingCreatedAsync(string sku)
    {
        using var scope = store.Services.CreateScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<IPricesAndStock>().GetAsync(sku, default));
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<ICatalogQueries>().GetProductsBySkuAsync([sku], default));
    }

    private async Task<string> OrderAsync()
    {
        var product = await store.ProductAsync(onHand: 10);
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var cart = await carts.StartAsync(default);
        Assert.True((await carts.AddAsync(cart, product.Sku, 1, default)).Succeeded);
        var result = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cart, null,
            $"forms-{Guid.NewGuid():N}@example.test", new Address("Fran Form", "3 Elm St", null, "Albany", "NY", "12207", "US"), "standard",
            TestPaymentGateway.SuccessCard), default);
        Assert.True(result.Succeeded, English.Of(result.Problem));
        return result.OrderNumber!;
    }
}
