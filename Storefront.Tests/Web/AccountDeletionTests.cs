using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Inventory.Contracts;
using Storefront.Search.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

public sealed class AccountDeletionTests(CheckoutStoreFixtureForPages store) : IClassFixture<CheckoutStoreFixtureForPages>
{
    private const string Password = "Delete-Me-Password-1";

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A confirmed shopper, signed in with the client, and their account's id.</summary>
    private Task<(HttpClient Client, string Email, string UserId)> ShopperAsync() =>
        AccountPagesTests.SignedInShopperAsync(store, Password, "leaving");

    /// <summary>An order of one unit of <paramref name="sku"/>, placed from the account's cart to <paramref name="street"/>; its number.</summary>
    private async Task<string> OrderAsync(string userId, string email, string sku, string street)
    {
        var cartId = await With(sp => sp.GetRequiredService<ICarts>().CartOfUserAsync(userId, default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cartId, sku, 1, default))).Succeeded);
        var placed = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cartId, userId, email,
            new Address("Sam Shopper", street, null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default));
        Assert.True(placed.Succeeded, English.Of(placed.Problem));
        return placed.OrderNumber!;
    }

    /// <summary>Units of <paramref name="sku"/> held in the account's cart.</summary>
    private async Task HoldAsync(string userId, string sku, int units)
    {
        var cartId = await With(sp => sp.GetRequiredService<ICarts>().CartOfUserAsync(userId, default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cartId, sku, units, default))).Succeeded);
    }

    private static async Task<HttpResponseMessage> DeleteAsync(HttpClient client, string token, string password, bool understood = true)
    {
        var form = new Dictionary<string, string> { ["Delete.Password"] = password, ["__RequestVerificationToken"] = token };
        if (understood) form["Delete.Understood"] = "true";
        return await client.PostAsync("/account?handler=Delete", new FormUrlEncodedContent(form));
    }

    private static async Task<string?> FieldErrorAsync(HttpResponseMessage response, string field) =>
        (await Html.ParseAsync(await response.Content.ReadAsStringAsync())).QuerySelector($"[data-valmsg-for='{field}']")?.TextContent;

    [Fact]
    public async Task A_shopper_deletes_their_account_their_cart_holds_and_history_go_and_their_orders_stay_as_guest_orders()
    {
        var (client, email, userId) = await ShopperAsync();
        var bought = await store.ProductAsync(onHand: 20);
        var held = await store.ProductAsync(onHand: 20);

        // An order in the account, then two units held in its cart, and a search history.
        var number = await OrderAsync(userId, email, bought.Sku, "1 Exit Road");
        await HoldAsync(userId, held.Sku, 2);
        Assert.Equal(18, await store.AvailableAsync(held.Sku));
        await With(async sp => { await sp.GetRequiredService<ISearchSignals>().ViewedAsync("u:" + userId, "Summit", "tents", default); return 0; });
        Assert.True(await With(sp => sp.GetRequiredService<ISearchSignals>().HasHistoryAsync("u:" + userId, default)));
        Assert.Equal(SavedOutcome.Saved, await With(sp => sp.GetRequiredService<ISavedProducts>().SaveAsync(userId, bought.Sku, default)));

        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account"));
        // A wrong password, or no tick in the box, deletes nothing.
        Assert.Equal("That is not your password.", await FieldErrorAsync(await DeleteAsync(client, token, "Not-My-Password-9"), "Delete.Password"));
        Assert.Equal("Tick the box to say you want your account deleted.",
            await FieldErrorAsync(await DeleteAsync(client, token, Password, understood: false), "Delete.Understood"));
        Assert.NotNull(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(userId)));
        Assert.Equal(18, await store.AvailableAsync(held.Sku));

        var deleted = await DeleteAsync(client, token, Password);
        Assert.Equal("/", deleted.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("Your account has been deleted. The store keeps the 1 order you placed for its accounts; the links in their e-mails work until they expire.",
            (await Html.ParseAsync(await deleted.Content.ReadAsStringAsync())).QuerySelector("[role=status].flash")!.TextContent);

        Assert.Null(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(userId)));
        Assert.Null(await With(sp => sp.GetRequiredService<ICarts>().FindCartOfUserAsync(userId, default)));
        Assert.Equal(20, await store.AvailableAsync(held.Sku));
        Assert.False(await With(sp => sp.GetRequiredService<ISearchSignals>().HasHistoryAsync("u:" + userId, default)));
        Assert.Empty(await With(sp => sp.GetRequiredService<ISavedProducts>().ForUserAsync(userId, default)));
        // The order is the store's still, in no account.
        var order = await With(sp => sp.GetRequiredService<IOrders>().GetAsync(number, default));
        Assert.Equal(email, order!.Email);
        Assert.Empty(await With(sp => sp.GetRequiredService<IOrders>().ForUserAsync(userId, default)));

        // Signed out, and the account no longer signs in.
        Assert.Equal("/account/login", (await client.GetAsync("/account")).RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("0", (await client.GetDocumentAsync("/cart")).QuerySelector(".mini-cart .cart-count")?.TextContent ?? "0");
        var again = store.Client();
        var token2 = Html.AntiforgeryToken(await again.GetStringAsync("/account/login"));
        var signIn = await again.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = Password, ["__RequestVerificationToken"] = token2,
        }));
        Assert.Equal("That e-mail and password do not match an account.",
            (await Html.ParseAsync(await signIn.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")!.TextContent);
    }

    [Fact]
    public async Task A_shopper_downloads_what_the_store_keeps_about_their_account()
    {
        var (client, email, userId) = await ShopperAsync();
        var bought = await store.ProductAsync(onHand: 20);
        var held = await store.ProductAsync(onHand: 20);
        var number = await OrderAsync(userId, email, bought.Sku, "2 Copy Lane");
        await HoldAsync(userId, held.Sku, 2);
        await With(async sp => { await sp.GetRequiredService<ISearchSignals>().ViewedAsync("u:" + userId, "Trailmark", "sleeping-bags", default); return 0; });
        Assert.Equal(SavedOutcome.Saved, await With(sp => sp.GetRequiredService<ISavedProducts>().SaveAsync(userId, held.Sku, default)));

        var link = (await client.GetDocumentAsync("/account")).QuerySelector("a[href*='handler=Data']")!.GetAttribute("href")!;
        var response = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.True(response.Headers.CacheControl!.NoStore);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(email, root.GetProperty("account").GetProperty("email").GetString());
        var order = Assert.Single(root.GetProperty("orders").EnumerateArray());
        Assert.Equal(number, order.GetProperty("number").GetString());
        Assert.Equal("2 Copy Lane", order.GetProperty("shippingAddress").GetProperty("line1").GetString());
        Assert.Equal(bought.Sku, Assert.Single(order.GetProperty("lines").EnumerateArray()).GetProperty("sku").GetString());
        Assert.Contains(order.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("status").GetString() == "Paid");
        var line = Assert.Single(root.GetProperty("cart").EnumerateArray());
        Assert.Equal((held.Sku, 2), (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetInt32()));
        Assert.Equal(held.Sku, Assert.Single(root.GetProperty("savedForLater").EnumerateArray()).GetProperty("sku").GetString());
        Assert.Contains(root.GetProperty("searchHistory").EnumerateArray(),
            h => h.GetProperty("kind").GetString() == "brand" && h.GetProperty("name").GetString() == "Trailmark");

        // Only for the account's own owner: signed out, the address asks to sign in.
        var anonymous = await store.Client().GetAsync(link);
        Assert.Equal("/account/login", anonymous.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Two_deletes_at_once_delete_the_account_once_and_neither_fails()
    {
        var (client, _, userId) = await ShopperAsync();
        var held = await store.ProductAsync(onHand: 20);
        await HoldAsync(userId, held.Sku, 3);
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DeleteAsync(client, token, Password)));
        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.OK, $"{(int)a.StatusCode} {a.RequestMessage!.RequestUri}"));
        Assert.Contains(answers, a => a.RequestMessage!.RequestUri!.AbsolutePath == "/");
        Assert.Null(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(userId)));
        Assert.Equal(20, await store.AvailableAsync(held.Sku));
    }

    [Fact]
    public async Task A_merchant_account_is_not_deleted_from_the_account_page()
    {
        var admin = await store.AdminClientAsync();
        var token = Html.AntiforgeryToken(await admin.GetStringAsync("/account"));
        var refused = await DeleteAsync(admin, token, AdminBootstrapper.DemoPassword);
        Assert.StartsWith("A merchant account cannot be deleted from this page", await FieldErrorAsync(refused, "Delete.Password"), StringComparison.Ordinal);
        Assert.NotNull(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByEmailAsync(AdminBootstrapper.DemoEmail)));
    }

    [Fact]
    public async Task A_merchant_finds_a_shopper_by_address_and_deletes_their_account_on_request()
    {
        var (_, email, userId) = await ShopperAsync();
        var held = await store.ProductAsync(onHand: 20);
        var number = await OrderAsync(userId, email, held.Sku, "3 Mail Street");
        await HoldAsync(userId, held.Sku, 2);

        var admin = await store.AdminClientAsync();
        var list = await admin.GetDocumentAsync($"/admin/customers?q={Uri.EscapeDataString(email[..20].ToUpperInvariant())}");
        var link = Assert.Single(list.QuerySelectorAll("table.customers tbody a"));
        Assert.Equal((email, $"/admin/customers/{userId}"), (link.TextContent, link.GetAttribute("href")));
        var detail = await admin.GetDocumentAsync(link.GetAttribute("href")!);
        Assert.Equal(number, detail.QuerySelector("section[aria-labelledby=orders-heading] tbody a")!.TextContent);

        async Task<HttpResponseMessage> DeleteAsync(string typed) => await admin.PostAsync($"/admin/customers/{userId}?handler=Delete",
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["ConfirmEmail"] = typed, ["__RequestVerificationToken"] = Html.AntiforgeryToken(detail.DocumentElement.OuterHtml),
            }));
        Assert.Equal("Type the account's e-mail address exactly to delete it.", await FieldErrorAsync(await DeleteAsync("someone-else@example.test"), "ConfirmEmail"));
        Assert.NotNull(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(userId)));

        var deleted = await DeleteAsync(email.ToUpperInvariant());
        Assert.Equal("/admin/customers", deleted.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal($"The account of {email} was deleted. Its order stays with the store as a guest order.",
            (await Html.ParseAsync(await deleted.Content.ReadAsStringAsync())).QuerySelector("[role=status]")!.TextContent);
        Assert.Null(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(userId)));
        Assert.Null(await With(sp => sp.GetRequiredService<ICarts>().FindCartOfUserAsync(userId, default)));
        Assert.Equal(19, await store.AvailableAsync(held.Sku)); // the order's unit is sold; the cart's two are back
        Assert.Equal(email, (await With(sp => sp.GetRequiredService<IOrders>().GetAsync(number, default)))!.Email);

        // Sent again (a second merchant, a resent form): the account is gone, and the page says so.
        var again = await DeleteAsync(email);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("That account no longer exists.", (await Html.ParseAsync(await again.Content.ReadAsStringAsync())).QuerySelector("[role=status]")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/customers/{userId}")).StatusCode);
    }

    [Fact]
    public async Task A_merchant_account_has_no_delete_form_and_a_forged_one_is_refused()
    {
        var admin = await store.AdminClientAsync();
        var merchant = await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByEmailAsync(AdminBootstrapper.DemoEmail));
        var detail = await admin.GetDocumentAsync($"/admin/customers/{merchant!.Id}");
        Assert.Null(detail.QuerySelector("form[action*='handler=Delete']"));
        var refused = await admin.PostAsync($"/admin/customers/{merchant.Id}?handler=Delete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ConfirmEmail"] = AdminBootstrapper.DemoEmail, ["__RequestVerificationToken"] = Html.AntiforgeryToken(detail.DocumentElement.OuterHtml),
        }));
        Assert.StartsWith("A staff account is not deleted here", await FieldErrorAsync(refused, "ConfirmEmail"), StringComparison.Ordinal);
        Assert.NotNull(await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(merchant.Id)));
    }
}
