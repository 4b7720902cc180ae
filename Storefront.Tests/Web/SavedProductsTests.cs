using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class SavedProductsFixture : ShopFixture;

/// <summary>"Save for later" from the shared product page, kept in the shopper's account, once however often pressed.</summary>
public sealed class SavedProductsTests(SavedProductsFixture store) : IClassFixture<SavedProductsFixture>
{
    private const string Password = "Saved-For-Later-2026";

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>The product page's own "Save for later" form, sent as the browser would.</summary>
    private static async Task<HttpResponseMessage> SaveAsync(HttpClient client, ShopFixture.TestProduct product)
    {
        var page = await client.GetDocumentAsync($"/p/{product.Slug}");
        var form = page.QuerySelector("form.save-for-later")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value")!);
        return await client.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task A_signed_in_shopper_saves_a_product_from_its_page_finds_it_on_the_saved_page_and_removes_it()
    {
        var (client, _, userId) = await AccountPagesTests.SignedInShopperAsync(store, Password, "saver");
        var product = await store.SettledProductAsync(onHand: 12);

        var saved = await SaveAsync(client, product);
        Assert.Equal($"/p/{product.Slug}", saved.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains($"“{product.Title}” is saved for later.", WebUtility.HtmlDecode(await saved.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Five more presses at once keep one.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SaveAsync(client, product)));
        Assert.Single(await With(sp => sp.GetRequiredService<ISavedProducts>().ForUserAsync(userId, default)));

        var list = await client.GetDocumentAsync("/account/saved");
        var row = list.QuerySelector($"tr[data-sku='{product.Sku}']")!;
        Assert.Equal(product.Title, row.QuerySelector("a")!.TextContent);
        Assert.Contains($"${product.Price:#,##0.00}", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull((await client.GetDocumentAsync("/account")).QuerySelector("a[href='/account/saved']"));

        // Its "Add to cart" puts it in the cart and comes back here.
        var add = row.QuerySelector($"form[action='/cart?handler=Add']")!;
        var added = await client.PostAsync(add.GetAttribute("action"), new FormUrlEncodedContent(
            add.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value")!)));
        Assert.Equal("/account/saved", added.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(1, await StoreFixture.HeaderCartCountAsync(client));

        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/saved"));
        async Task<string> RemoveAsync() => await (await client.PostAsync("/account/saved?handler=Remove", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["sku"] = product.Sku, ["__RequestVerificationToken"] = token }))).Content.ReadAsStringAsync();
        Assert.Contains("Removed from your saved products.", await RemoveAsync(), StringComparison.Ordinal);
        Assert.Contains("That product was removed already.", await RemoveAsync(), StringComparison.Ordinal);
        Assert.NotNull((await client.GetDocumentAsync("/account/saved")).QuerySelector("#nothing-saved"));
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_an_unknown_product_is_not_saved()
    {
        var product = await store.SettledProductAsync(onHand: 3);
        var visitor = store.Client();
        var answer = await SaveAsync(visitor, product);
        Assert.Equal("/account/login", answer.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal($"/p/{product.Slug}", System.Web.HttpUtility.ParseQueryString(answer.RequestMessage.RequestUri.Query)["ReturnUrl"]);
        Assert.Equal("/account/login", (await visitor.GetAsync("/account/saved")).RequestMessage!.RequestUri!.AbsolutePath);

        var (client, _, userId) = await AccountPagesTests.SignedInShopperAsync(store, Password, "saver");
        var unknown = await client.PostAsync("/account/saved?handler=Save", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["sku"] = "NO-SUCH-SKU", ["returnUrl"] = "https://evil.example/" }));
        Assert.Equal("/", unknown.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("localhost", unknown.RequestMessage.RequestUri.Host);
        Assert.Contains("That product is not for sale.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await With(sp => sp.GetRequiredService<ISavedProducts>().ForUserAsync(userId, default)));
    }

    [Fact]
    public async Task An_account_keeps_at_most_two_hundred_even_when_saving_from_many_tabs_at_once()
    {
        var userId = $"limit-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(0, ISavedProducts.MaxPerAccount + 20).Chunk(20).Select(chunk =>
            With(async sp =>
            {
                var saved = sp.GetRequiredService<ISavedProducts>();
                foreach (var i in chunk) await saved.SaveAsync(userId, $"SKU-{i:D4}", default);
                return 0;
            })));
        Assert.Equal(ISavedProducts.MaxPerAccount, (await With(sp => sp.GetRequiredService<ISavedProducts>().ForUserAsync(userId, default))).Count);
        Assert.Equal(SavedOutcome.TooMany, await With(sp => sp.GetRequiredService<ISavedProducts>().SaveAsync(userId, "SKU-NEW", default)));
        // One saved already is still "saved" when the list is full.
        Assert.Equal(SavedOutcome.AlreadySaved, await With(sp => sp.GetRequiredService<ISavedProducts>().SaveAsync(userId, "SKU-0000", default)));
    }
}
