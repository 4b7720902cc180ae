using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class ReviewPagesTests(CheckoutStoreFixtureForPages store) : IClassFixture<CheckoutStoreFixtureForPages>
{
    private const string Password = "Review-Writer-Password-1";

    private async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = store.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A signed-in shopper who bought one unit of the product with their account.</summary>
    private async Task<(HttpClient Client, string UserId)> BuyerAsync(ShopFixture.TestProduct product)
    {
        var (client, email, userId) = await AccountPagesTests.SignedInShopperAsync(store, Password, "reviewer");
        var cartId = await With(sp => sp.GetRequiredService<ICarts>().CartOfUserAsync(userId, default));
        Assert.True((await With(sp => sp.GetRequiredService<ICarts>().AddAsync(cartId, product.Sku, 1, default))).Succeeded);
        var placed = await With(sp => sp.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cartId, userId, email,
            new Address("Rey Viewer", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default));
        Assert.True(placed.Succeeded, English.Of(placed.Problem));
        return (client, userId);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string slug, Dictionary<string, string> fields)
    {
        var form = await client.GetDocumentAsync($"/p/{slug}/review");
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(form.DocumentElement.OuterHtml);
        return await client.PostAsync($"/p/{slug}/review", new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> Review(string rating, string title, string body, string author = "Rey V.") =>
        new() { ["Review.Rating"] = rating, ["Review.Title"] = title, ["Review.Body"] = body, ["Review.Author"] = author };

    private Task<ProductDetails> ProductAsync(string slug) =>
        With(async sp => (await sp.GetRequiredService<ICatalogQueries>().GetProductAsync(slug, default))!);

    [Fact]
    public async Task A_shopper_who_bought_a_product_reviews_it_once_however_often_they_send_and_can_change_it()
    {
        var product = await store.SettledProductAsync(20);
        var (client, userId) = await BuyerAsync(product);
        var before = await ProductAsync(product.Slug);

        var form = await client.GetDocumentAsync($"/p/{product.Slug}/review");
        Assert.Equal("Sam S.", form.QuerySelector("#review-author")?.GetAttribute("value")); // "Sam Shopper", as reviews show names
        var sends = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(client, product.Slug, Review("4", "Sturdy", "Held up <b>all</b> summer."))));
        Assert.All(sends, r => Assert.Equal($"/p/{product.Slug}", r.RequestMessage!.RequestUri!.AbsolutePath));
        var after = await ProductAsync(product.Slug);
        Assert.Equal(before.ReviewCount + 1, after.ReviewCount);

        // On the product page (its cached copy evicted by the review's event) with the words as text.
        await store.DrainOutboxAsync();
        var page = await store.Client().GetDocumentAsync($"/p/{product.Slug}");
        var shown = page.QuerySelectorAll("#reviews .review").FirstOrDefault(r => r.TextContent.Contains("Sturdy", StringComparison.Ordinal));
        Assert.NotNull(shown);
        Assert.Contains("Held up <b>all</b> summer.", shown.TextContent, StringComparison.Ordinal);
        Assert.Empty(shown.QuerySelectorAll("b"));
        Assert.Equal("· Verified purchase", shown.QuerySelector(".verified")?.TextContent.Trim());
        Assert.All(page.QuerySelectorAll("#reviews .review").Where(r => r != shown), r => Assert.Null(r.QuerySelector(".verified")));

        // Written again, it is changed, not added.
        var changed = await PostAsync(client, product.Slug, Review("2", "Sturdy, then not", "The zip broke."));
        Assert.Contains("Your review is changed.", (await Html.ParseAsync(await changed.Content.ReadAsStringAsync())).QuerySelector("[role=status]")?.TextContent);
        var own = await With(sp => sp.GetRequiredService<IProductReviews>().OwnAsync(product.Id, userId, default));
        Assert.Equal((2, "The zip broke."), (own!.Rating, own.Body));
        Assert.Equal(before.ReviewCount + 1, (await ProductAsync(product.Slug)).ReviewCount);
        Assert.Equal("2", (await client.GetDocumentAsync($"/p/{product.Slug}/review")).QuerySelector("input[name='Review.Rating'][checked]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Only_a_buyer_reviews_a_visitor_signs_in_first_and_bad_fields_are_told_and_save_nothing()
    {
        var product = await store.SettledProductAsync(20);
        var visitor = store.Client(followRedirects: false);
        var toSignIn = await visitor.GetAsync($"/p/{product.Slug}/review");
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        Assert.Equal("/account/login", toSignIn.Headers.Location!.AbsolutePath);

        var (stranger, strangerId) = (await AccountPagesTests.SignedInShopperAsync(store, Password, "stranger")) is var s ? (s.Client, s.UserId) : default;
        var notBought = await stranger.GetDocumentAsync($"/p/{product.Slug}/review");
        Assert.NotNull(notBought.QuerySelector("#not-bought"));
        Assert.Null(notBought.QuerySelector("form.review-form"));
        var token = Html.AntiforgeryToken(notBought.DocumentElement.OuterHtml);
        var fields = Review("5", "Great", "Never had it.");
        fields["__RequestVerificationToken"] = token;
        await stranger.PostAsync($"/p/{product.Slug}/review", new FormUrlEncodedContent(fields));
        Assert.Null(await With(sp => sp.GetRequiredService<IProductReviews>().OwnAsync(product.Id, strangerId, default)));

        var (buyer, buyerId) = await BuyerAsync(product);
        foreach (var (review, field, message) in new[]
        {
            (Review("", "t", "b"), "Review.Rating", "Choose a rating from 1 to 5 stars."),
            (Review("7", "t", "b"), "Review.Rating", "Choose a rating from 1 to 5 stars."),
            (Review("3", "t", new string('x', 5001)), "Review.Body", "The review is too long."),
            (Review("3", "t", "b", author: " "), "Review.Author", "Enter a name of up to 100 characters."),
        })
        {
            var answer = await PostAsync(buyer, product.Slug, review);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var page = await Html.ParseAsync(await answer.Content.ReadAsStringAsync());
            Assert.Equal(message, page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent);
        }
        Assert.Null(await With(sp => sp.GetRequiredService<IProductReviews>().OwnAsync(product.Id, buyerId, default)));
        Assert.Equal(404, (int)(await buyer.GetAsync("/p/no-such-product/review")).StatusCode);
    }
}
