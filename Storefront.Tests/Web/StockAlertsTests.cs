using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

public sealed class StockAlertsTests(CheckoutStoreFixtureForPages store) : IClassFixture<CheckoutStoreFixtureForPages>
{
    private const string Password = "Tell-Me-Password-1";

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    private Task<(HttpClient Client, string Email, string UserId)> ShopperAsync() =>
        AccountPagesTests.SignedInShopperAsync(store, Password, "waiting");

    private static Task<HttpResponseMessage> AskAsync(HttpClient client, ShopFixture.TestProduct product) =>
        client.PostAsync("/account/stock-alerts?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["returnUrl"] = $"/p/{product.Slug}",
        }));

    private static async Task<List<string>> WaitingForAsync(HttpClient client) =>
        (await client.GetDocumentAsync("/account/stock-alerts")).QuerySelectorAll("tr[data-sku]").Select(r => r.GetAttribute("data-sku")!).ToList();

    private async Task SetStockAsync(string sku, int onHand)
    {
        var result = await With(sp => sp.GetRequiredService<IPricesAndStock>().SetOnHandAsync(sku, onHand, new StockChangeContext("test", "Restock"), default));
        Assert.True(result.Succeeded);
    }

    private async Task<IReadOnlyList<string>> MailsAsync(string email, string subject, int atLeast)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Mailbox.For(store, email, subject) is { } mails && mails.Count >= atLeast) return mails;
            await Task.Delay(100);
        }
        return Mailbox.For(store, email, subject);
    }

    [Fact]
    public async Task A_shopper_asks_for_an_out_of_stock_product_once_however_often_they_click_and_is_emailed_once_when_it_is_back()
    {
        var (client, email, _) = await ShopperAsync();
        var product = await store.SettledProductAsync(0);
        var page = await store.Client().GetDocumentAsync($"/p/{product.Slug}");
        Assert.NotNull(page.QuerySelector("form.stock-alert button"));
        Assert.Null(page.QuerySelector("form.add-to-cart"));

        var clicks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AskAsync(client, product)));
        Assert.All(clicks, r => Assert.Equal($"/p/{product.Slug}", r.RequestMessage!.RequestUri!.AbsolutePath));
        // The four share one cookie jar, so the notice (kept in a cookie until shown) shows on the page
        // of whichever redirect reads it first: on one of them.
        var notices = new List<string?>();
        foreach (var click in clicks) notices.Add((await Html.ParseAsync(await click.Content.ReadAsStringAsync())).QuerySelector("[role=status]")?.TextContent);
        Assert.Contains(notices, n => n?.Contains("We will e-mail you once", StringComparison.Ordinal) == true);
        Assert.Equal([product.Sku], await WaitingForAsync(client));

        await SetStockAsync(product.Sku, 5);
        var mail = Assert.Single(await MailsAsync(email, $"Back in stock: {product.Title}", 1));
        Assert.Contains($"/p/{product.Slug}", mail, StringComparison.Ordinal);
        // The alert ends just after its e-mail is sent (a crash in between sends it twice, never not at all).
        await store.DrainOutboxAsync();
        Assert.Empty(await WaitingForAsync(client));

        // The alert ended with its e-mail: more stock news sends nothing more.
        await SetStockAsync(product.Sku, 0);
        await SetStockAsync(product.Sku, 3);
        await store.DrainOutboxAsync();
        Assert.Single(Mailbox.For(store, email, $"Back in stock: {product.Title}"));
    }

    [Fact]
    public async Task An_alert_on_a_withdrawn_product_waits_through_a_restock_and_goes_when_the_product_is_published_again()
    {
        var (client, email, _) = await ShopperAsync();
        var product = await store.SettledProductAsync(0);
        await AskAsync(client, product);
        Assert.True(await With(sp => sp.GetRequiredService<Storefront.Catalog.Contracts.ICatalogAdmin>().SetPublishedAsync(product.Id, false, default)));
        await SetStockAsync(product.Sku, 5);
        await store.DrainOutboxAsync();
        Assert.Empty(Mailbox.For(store, email, $"Back in stock: {product.Title}"));
        Assert.Equal([product.Sku], await WaitingForAsync(client));

        // Published again with the stock it got meanwhile: no stock change comes, the publishing sends it.
        Assert.True(await With(sp => sp.GetRequiredService<Storefront.Catalog.Contracts.ICatalogAdmin>().SetPublishedAsync(product.Id, true, default)));
        Assert.Single(await MailsAsync(email, $"Back in stock: {product.Title}", 1));
        await store.DrainOutboxAsync();
        Assert.Empty(await WaitingForAsync(client));
    }

    [Fact]
    public async Task A_product_in_stock_keeps_no_alert_a_visitor_is_sent_to_sign_in_and_a_cross_site_form_is_refused()
    {
        var (client, _, _) = await ShopperAsync();
        var inStock = await store.SettledProductAsync(5);
        var answer = await AskAsync(client, inStock);
        Assert.Contains("is in stock now", (await Html.ParseAsync(await answer.Content.ReadAsStringAsync())).QuerySelector("[role=status]")?.TextContent);
        Assert.Empty(await WaitingForAsync(client));

        var outOfStock = await store.SettledProductAsync(0);
        var visitor = store.Client(followRedirects: false);
        var toSignIn = await AskAsync(visitor, outOfStock);
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        Assert.Equal($"/account/login?ReturnUrl=%2Fp%2F{outOfStock.Slug}", toSignIn.Headers.Location!.OriginalString);

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/account/stock-alerts?handler=Add")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["sku"] = outOfStock.Sku, ["returnUrl"] = "/" }),
        };
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(forged)).StatusCode);
        Assert.Empty(await WaitingForAsync(client));
    }

    [Fact]
    public async Task Only_its_account_removes_an_alert_its_data_copy_lists_it_and_deleting_the_account_drops_it()
    {
        var (owner, _, ownerId) = await ShopperAsync();
        var (other, _, _) = await ShopperAsync();
        var product = await store.SettledProductAsync(0);
        await AskAsync(owner, product);
        var id = Assert.Single(await With(sp => sp.GetRequiredService<IStockAlerts>().ForUserAsync(ownerId, default))).Id;

        var refused = await other.PostAsync($"/account/stock-alerts?handler=Remove&id={id}", new FormUrlEncodedContent([]));
        Assert.Contains("removed already", (await Html.ParseAsync(await refused.Content.ReadAsStringAsync())).QuerySelector("[role=alert]")?.TextContent);
        Assert.Equal([product.Sku], await WaitingForAsync(owner));

        var data = await owner.GetStringAsync("/account?handler=Data");
        Assert.Contains($"\"sku\": \"{product.Sku}\"", data, StringComparison.Ordinal);

        var removed = await owner.PostAsync($"/account/stock-alerts?handler=Remove&id={id}", new FormUrlEncodedContent([]));
        Assert.NotNull((await Html.ParseAsync(await removed.Content.ReadAsStringAsync())).QuerySelector("#no-alerts"));

        await AskAsync(owner, product);
        var user = await With(sp => sp.GetRequiredService<UserManager<StoreUser>>().FindByIdAsync(ownerId));
        Assert.Equal(AccountDeletionOutcome.Deleted, (await With(sp => sp.GetRequiredService<AccountDeletion>().DeleteAsync(user!, null, default))).Outcome);
        Assert.Empty(await With(sp => sp.GetRequiredService<IStockAlerts>().ForUserAsync(ownerId, default)));
    }
}
