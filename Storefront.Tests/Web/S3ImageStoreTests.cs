using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Images;
using Storefront.Tests.Fixtures;
using static Storefront.Tests.Fixtures.TestPictures;

namespace Storefront.Tests.Web;

/// <summary>
/// The store keeping its pictures in an S3-compatible bucket: the local S3 stand-in, which checks
/// every request's signature as S3 does. Browsers fetch the pictures from the bucket's public
/// address; the store can also serve them itself, reading the bucket.
/// </summary>
public sealed class S3StoreFixture : StoreFixture
{
    public S3StandIn Bucket { get; private set; } = default!;

    public string PublicUrl => $"{Bucket.BaseAddress}{S3StandIn.Bucket}/uploads";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storefront:Images:Store"] = "s3",
        ["Storefront:Images:S3:ServiceUrl"] = Bucket.BaseAddress.ToString(),
        ["Storefront:Images:S3:Region"] = S3StandIn.Region,
        ["Storefront:Images:S3:Bucket"] = S3StandIn.Bucket,
        ["Storefront:Images:S3:AccessKey"] = S3StandIn.AccessKey,
        ["Storefront:Images:S3:SecretKey"] = S3StandIn.SecretKey,
        ["Storefront:Images:S3:PublicUrl"] = PublicUrl,
        ["Storefront:Images:S3:Timeout"] = "00:00:05",
    };

    public override async Task InitializeAsync()
    {
        Bucket = await S3StandIn.StartAsync();
        Bucket.PublicRead = true;
        await base.InitializeAsync();
        await SeedDemoAsync(40);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Bucket.DisposeAsync();
    }

    /// <summary>The admin's edit page of a product no other test of the class changes.</summary>
    public async Task<(HttpClient Admin, string EditUrl, string Slug)> ProductToEditAsync(int row)
    {
        var admin = await AdminClientAsync();
        var list = await admin.GetDocumentAsync("/admin/products");
        var editUrl = list.QuerySelectorAll("table.data tbody a[href^='/admin/products/']")[row].GetAttribute("href")!;
        var slug = (await admin.GetDocumentAsync(editUrl)).QuerySelector("a[href^='/p/']")!.GetAttribute("href")!;
        return (admin, editUrl, slug);
    }
}

public sealed class S3ImageStoreTests(S3StoreFixture store) : IClassFixture<S3StoreFixture>
{
    private static async Task<string> NoticeAsync(HttpResponseMessage response)
    {
        var doc = await Html.ParseAsync(await response.Content.ReadAsStringAsync());
        return (doc.QuerySelector(".notice.error") ?? doc.QuerySelector("[role=status]"))!.TextContent;
    }

    private static async Task<IReadOnlyList<string>> PicturesAsync(HttpClient admin, string editUrl) =>
        (await admin.GetDocumentAsync(editUrl)).QuerySelectorAll(".thumbs input[name=url]").Select(i => i.GetAttribute("value")!).ToList();

    [Fact]
    public async Task An_upload_goes_to_the_bucket_in_every_size_signed_and_pages_link_its_public_address()
    {
        var (admin, editUrl, slug) = await store.ProductToEditAsync(0);
        var requestsBefore = store.Bucket.Requests.Count;

        var uploaded = await UploadAsync(admin, editUrl, Photo(1000, 600), "meadow.jpg", "image/jpeg", "A meadow");
        Assert.Equal("Image added.", await NoticeAsync(uploaded));

        var original = (await PicturesAsync(admin, editUrl))[^1];
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(store.PublicUrl)}/[0-9a-f]{{32}}-1000x600\\.jpg$", original);
        var name = original[(original.LastIndexOf('/') + 1)..];
        var stem = name[..^4];
        // The original and each size as WebP and JPEG, each with its type and a year-long immutable lifetime.
        var expected = new[] { 160, 400, 800, 1000 }.SelectMany(w => new[] { ($"{stem}-{w}.webp", "image/webp"), ($"{stem}-{w}.jpg", "image/jpeg") })
            .Append((name, "image/jpeg")).ToList();
        foreach (var (file, type) in expected)
        {
            Assert.True(store.Bucket.Objects.TryGetValue("uploads/" + file, out var stored), $"{file} is not in the bucket");
            Assert.Equal((type, "public, max-age=31536000, immutable"), (stored.ContentType, stored.CacheControl));
        }
        // Every request the store made was signed with its key and accepted.
        var made = store.Bucket.Requests.Skip(requestsBefore).ToList();
        Assert.Equal(expected.Count, made.Count(r => r.Method == "PUT"));
        Assert.All(made, r => Assert.Equal(200, r.Status));
        // Nothing was written to the local data volume.
        var folder = Path.Combine(store.Factory.DataPath, "images");
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any());

        // The shopper's page lists the sizes at the bucket's address, and may load pictures from there.
        using var shopper = store.Client();
        var pageResponse = await shopper.GetAsync(slug);
        var page = await Html.ParseAsync(await pageResponse.Content.ReadAsStringAsync());
        var picture = page.QuerySelectorAll(".thumbs picture")[^1];
        var publicStem = original[..^4];
        Assert.Equal($"{publicStem}-160.webp 160w, {publicStem}-400.webp 400w, {publicStem}-800.webp 800w, {publicStem}-1000.webp 1000w",
            picture.QuerySelector("source[type='image/webp']")!.GetAttribute("srcset"));
        Assert.Equal($"{publicStem}-160.jpg", picture.QuerySelector("img")!.GetAttribute("src"));
        var policy = pageResponse.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"img-src 'self' data: {store.Bucket.BaseAddress.GetLeftPart(UriPartial.Authority)};", policy, StringComparison.Ordinal);

        // What a browser gets from the bucket's public address.
        using var browser = new HttpClient();
        var direct = await browser.GetAsync($"{publicStem}-400.webp");
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal("image/webp", direct.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", direct.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using (var decoded = SkiaSharp.SKBitmap.Decode(await direct.Content.ReadAsByteArrayAsync()))
            Assert.Equal((400, 240), (decoded.Width, decoded.Height));

        // The store serves the same files itself too, reading the bucket (for a private bucket).
        var proxied = await shopper.GetAsync($"/media/uploads/{name}");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal("image/jpeg", proxied.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", proxied.Headers.CacheControl!.ToString());
        Assert.Equal(store.Bucket.Objects["uploads/" + name].Body, await proxied.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await shopper.GetAsync($"/media/uploads/{stem}-1200.webp")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shopper.GetAsync("/media/uploads/..%2f..%2fsecret.jpg")).StatusCode);
    }

    [Fact]
    public async Task A_bucket_that_is_away_refuses_uploads_with_a_message_and_the_pages_still_work_then_recover()
    {
        var (admin, editUrl, slug) = await store.ProductToEditAsync(1);
        Assert.Equal("Image added.", await NoticeAsync(await UploadAsync(admin, editUrl, Photo(300, 200), "first.jpg", "image/jpeg")));
        var before = await PicturesAsync(admin, editUrl);
        var name = before[^1][(before[^1].LastIndexOf('/') + 1)..];

        store.Bucket.Away = true;
        try
        {
            var refused = await UploadAsync(admin, editUrl, Photo(300, 200), "second.jpg", "image/jpeg");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Equal("The picture could not be stored: the image store did not answer. Nothing was added; try again in a minute.", await NoticeAsync(refused));
            Assert.Equal(before, await PicturesAsync(admin, editUrl));
            // Pictures the store serves itself say "later", never a server error; the page renders.
            using var shopper = store.Client();
            var unavailable = await shopper.GetAsync($"/media/uploads/{name}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.NotNull(unavailable.Headers.RetryAfter);
            Assert.True(unavailable.Headers.CacheControl!.NoStore);
            Assert.Equal(HttpStatusCode.OK, (await shopper.GetAsync(slug)).StatusCode);
        }
        finally
        {
            store.Bucket.Away = false;
        }

        Assert.Equal("Image added.", await NoticeAsync(await UploadAsync(admin, editUrl, Photo(300, 200), "second.jpg", "image/jpeg")));
        Assert.Equal(before.Count + 1, (await PicturesAsync(admin, editUrl)).Count);
        Assert.Equal(HttpStatusCode.OK, (await store.Client().GetAsync($"/media/uploads/{name}")).StatusCode);
    }

    [Fact]
    public async Task An_upload_the_bucket_fails_half_way_leaves_nothing_behind()
    {
        var (admin, editUrl, _) = await store.ProductToEditAsync(2);
        var before = await PicturesAsync(admin, editUrl);
        var objects = store.Bucket.Objects.Keys.ToHashSet();

        store.Bucket.FailUploadsAfter(3);
        try
        {
            var refused = await UploadAsync(admin, editUrl, Photo(1000, 600), "half.jpg", "image/jpeg");
            Assert.Equal("The picture could not be stored: the image store did not answer. Nothing was added; try again in a minute.", await NoticeAsync(refused));
        }
        finally
        {
            store.Bucket.StopFailingUploads();
        }
        Assert.Equal(before, await PicturesAsync(admin, editUrl));
        // The three sizes that were written are removed again.
        Assert.Equal(objects, store.Bucket.Objects.Keys.ToHashSet());
    }

    [Fact]
    public async Task A_store_with_the_wrong_secret_is_refused_by_the_bucket_and_says_so()
    {
        var options = new ImageStoreOptions
        {
            Store = "s3",
            S3 = new S3ImageStoreOptions
            {
                ServiceUrl = store.Bucket.BaseAddress.ToString(), Region = S3StandIn.Region, Bucket = S3StandIn.Bucket,
                AccessKey = S3StandIn.AccessKey, SecretKey = "not-the-secret", KeyPrefix = "uploads/",
            },
        };
        using var wrong = new S3ImageStore(Options.Create(options), NullLogger<S3ImageStore>.Instance);
        var objects = store.Bucket.Objects.Count;
        var requestsBefore = store.Bucket.Requests.Count;
        await using var photo = new MemoryStream(Photo(200, 100));
        var saved = await wrong.SaveAsync(photo, photo.Length, "p.jpg", default);
        Assert.Null(saved.Image);
        Assert.Equal(CatalogProblems.ImageStoreUnavailable, saved.Error!.Code);
        Assert.Equal(objects, store.Bucket.Objects.Count);
        Assert.Contains(store.Bucket.Requests.Skip(requestsBefore), r => r is { Method: "PUT", Status: 403 });
        await Assert.ThrowsAsync<ImageStoreUnavailableException>(() => wrong.OpenAsync(store.Bucket.Objects.Keys.First()["uploads/".Length..], default));

        // With the right secret and no public address, pages link the store's own address.
        options.S3.SecretKey = S3StandIn.SecretKey;
        using var right = new S3ImageStore(Options.Create(options), NullLogger<S3ImageStore>.Instance);
        photo.Position = 0;
        var url = (await right.SaveAsync(photo, photo.Length, "p.jpg", default)).Image!.Url;
        Assert.Matches("^/media/uploads/[0-9a-f]{32}-200x100\\.jpg$", url);
        Assert.Equal(new[] { 160, 200 }, UploadedPicture.Of(url)!.Sizes);
        await using var opened = (await right.OpenAsync(url["/media/uploads/".Length..], default))!.Content;
        using var read = new MemoryStream();
        await opened.CopyToAsync(read);
        Assert.Equal(store.Bucket.Objects["uploads/" + url["/media/uploads/".Length..]].Body, read.ToArray());
    }
}
