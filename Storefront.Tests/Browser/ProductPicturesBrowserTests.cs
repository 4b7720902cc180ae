using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Storefront.Catalog.Contracts;
using Storefront.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

/// <summary>An uploaded photograph on the product page: the browser fetches the WebP size the box needs.</summary>
public sealed class ProductPicturesBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_product_page_shows_an_uploaded_photograph_in_the_webp_size_its_box_needs()
    {
        ProductSummary product;
        using (var scope = app.Services.CreateScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<ICatalogQueries>();
            product = (await catalog.GetNewestAsync(5, default))[^1];
            using var bitmap = new SkiaSharp.SKBitmap(1600, 1200);
            using (var canvas = new SkiaSharp.SKCanvas(bitmap)) canvas.Clear(SkiaSharp.SKColors.Teal);
            using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
            using var jpeg = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
            await using var content = new MemoryStream(jpeg.ToArray());
            var saved = await scope.ServiceProvider.GetRequiredService<IImageStore>().SaveAsync(content, content.Length, "teal.jpg", default);
            Assert.NotNull(saved.Image);
            var details = (await catalog.GetProductAsync(product.Slug, default))!;
            // Put it first: remove the others, add it, add them back.
            var admin = scope.ServiceProvider.GetRequiredService<ICatalogAdmin>();
            foreach (var old in details.Images) await admin.RemoveImageAsync(details.Id, old.Url, default);
            Assert.True(await admin.AddImageAsync(details.Id, new ProductImage(saved.Image!.Url, "A teal sample"), default));
            foreach (var old in details.Images) await admin.AddImageAsync(details.Id, old, default);
        }
        await app.DrainOutboxAsync();

        var page = await app.NewPageAsync();
        await page.GotoAsync($"/p/{product.Slug}");
        var main = page.Locator("#main-image");
        await Expect(main).ToHaveAttributeAsync("alt", "A teal sample");
        await page.WaitForFunctionAsync("() => { const i = document.getElementById('main-image'); return i.complete && i.naturalWidth > 0; }");
        var chosen = await main.EvaluateAsync<string>("i => i.currentSrc");
        Assert.Matches(@"-(800|1200)\.webp$", chosen); // a 480-pixel box on a 1x screen: 800 wide is enough
        Assert.Equal(("480", "360"), (await main.GetAttributeAsync("width"), await main.GetAttributeAsync("height"))); // its own 4:3
        await BrowserFixture.ScreenshotAsync(page, "product-uploaded-picture");
        Assert.Empty(app.CspViolations);
    }
}
