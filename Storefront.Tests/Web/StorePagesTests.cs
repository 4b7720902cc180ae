using System.Net;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Catalog.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Web;

public sealed class StorePagesFixture : ShopFixture;

/// <summary>
/// Store pages (terms, privacy, shipping and returns): the merchant writes them in the admin area;
/// shoppers open them, find them in every footer and beside the order button, and search engines in
/// the sitemap; a change shows on the next page view even on cached pages.
/// </summary>
public sealed class StorePagesTests(StorePagesFixture store) : IClassFixture<StorePagesFixture>
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static Dictionary<string, string> Form(string title, string slug = "", string body = "Some words.", bool published = true,
        bool footer = true, string position = "5", bool checkout = false, string summary = "") => new()
    {
        ["Input.Title"] = title, ["Input.Slug"] = slug, ["Input.Summary"] = summary, ["Input.Body"] = body,
        ["Input.Published"] = published ? "true" : "false", ["Input.InFooter"] = footer ? "true" : "false",
        ["Input.Position"] = position, ["Input.AtCheckout"] = checkout ? "true" : "false",
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(url.Split('?')[0]));
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private async Task<IReadOnlyList<StorePageRow>> PagesAsync()
    {
        using var scope = store.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IStorePagesAdmin>().ListAsync(default);
    }

    /// <summary>Asks for the page as a new visitor until <paramref name="shows"/> holds, for at most two seconds.</summary>
    private async Task<AngleSharp.Dom.IDocument> UntilAsync(string url, Func<AngleSharp.Dom.IDocument, bool> shows)
    {
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (true)
        {
            var page = await store.Client().GetDocumentAsync(url);
            if (shows(page)) return page;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{url} did not change within 2 s");
            await Task.Delay(25);
        }
    }

    private static bool FooterLinks(AngleSharp.Dom.IDocument page, string slug) =>
        page.QuerySelector($"footer.site-footer a[href='/pages/{slug}']") is not null;

    [Fact]
    public async Task A_published_page_shows_at_its_address_in_every_footer_in_the_sitemap_and_beside_the_order_button()
    {
        var admin = await store.AdminClientAsync();
        var title = Unique("Terms of sale");
        var slug = Title(title);
        // The home page is in the cache before the page exists: the change must reach it anyway.
        Assert.False(FooterLinks(await store.Client().GetDocumentAsync("/"), slug));
        Assert.False(FooterLinks(await store.Client().GetDocumentAsync("/"), slug));

        var created = await PostAsync(admin, "/admin/store-pages/new", Form(title, body: "# Ordering\n\nSee [returns](/pages/returns).\n\n<script>alert(1)</script>",
            checkout: true, summary: "The terms every order is placed under."));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Matches("^/admin/store-pages/[0-9a-f-]{36}$", created.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Page created.", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var home = await UntilAsync("/", page => FooterLinks(page, slug));
        Assert.Equal(title, home.QuerySelector($"footer a[href='/pages/{slug}']")!.TextContent);

        var page = await store.Client().GetDocumentAsync($"/pages/{slug}");
        Assert.Equal(title, page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("Ordering", page.QuerySelector(".store-page-body h2")!.TextContent);
        Assert.Equal("/pages/returns", page.QuerySelector(".store-page-body a")!.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("main script"));
        Assert.Equal("The terms every order is placed under.", page.QuerySelector("meta[name=description]")!.GetAttribute("content"));
        Assert.EndsWith($"/pages/{slug}", page.QuerySelector("link[rel=canonical]")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.True(FooterLinks(page, slug));

        var sitemap = XDocument.Parse(await store.Client().GetStringAsync("/sitemaps/categories.xml"));
        Assert.Contains(sitemap.Root!.Elements(Sitemap + "url"), u => u.Element(Sitemap + "loc")!.Value.EndsWith($"/pages/{slug}", StringComparison.Ordinal));

        // Beside the button that places the order: "By placing your order you agree to our …".
        var review = await ReviewPageAsync();
        var terms = review.QuerySelector("#order-terms")!;
        Assert.Contains("By placing your order you agree to our", terms.TextContent, StringComparison.Ordinal);
        Assert.NotNull(terms.QuerySelector($"a[href='/pages/{slug}']"));
    }

    [Fact]
    public async Task A_draft_unpublished_or_deleted_page_is_not_found_and_leaves_the_footer()
    {
        var admin = await store.AdminClientAsync();
        var slug = Unique("draft");
        var draft = await PostAsync(admin, "/admin/store-pages/new", Form("Draft", slug, published: false));
        var edit = draft.RequestMessage!.RequestUri!.AbsolutePath;
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/pages/{slug}")).StatusCode);
        Assert.False(FooterLinks(await store.Client().GetDocumentAsync("/"), slug));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, edit, Form("Draft", slug, published: true))).StatusCode);
        await UntilAsync("/", page => FooterLinks(page, slug));
        Assert.Equal(HttpStatusCode.OK, (await store.Client().GetAsync($"/pages/{slug}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, edit, Form("Draft", slug, published: false))).StatusCode);
        await UntilAsync("/", page => !FooterLinks(page, slug));
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync($"/pages/{slug}")).StatusCode);

        // Deleted: gone from the list; a second press of the same button says so and changes nothing.
        var version = (await admin.GetDocumentAsync(edit)).QuerySelector("form[action$='handler=Delete'] input[name=version]")!.GetAttribute("value")!;
        var deleted = await PostAsync(admin, edit + "?handler=Delete", new() { ["version"] = version });
        Assert.Equal("/admin/store-pages", deleted.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Page deleted.", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await PagesAsync(), p => p.Slug == slug);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(edit)).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_explained_by_field_and_saves_nothing()
    {
        var admin = await store.AdminClientAsync();
        var taken = Unique("taken");
        await PostAsync(admin, "/admin/store-pages/new", Form("Taken", taken));
        var before = await PagesAsync();

        async Task<AngleSharp.Dom.IDocument> RefusedAsync(Dictionary<string, string> form)
        {
            var answer = await PostAsync(admin, "/admin/store-pages/new", form);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("/admin/store-pages/new", answer.RequestMessage!.RequestUri!.AbsolutePath);
            var page = await Html.ParseAsync(await answer.Content.ReadAsStringAsync());
            Assert.Contains("Nothing was saved", page.QuerySelector(".notice.error")!.TextContent, StringComparison.Ordinal);
            return page;
        }

        Assert.Equal("Enter a title.", (await RefusedAsync(Form("  "))).QuerySelector("#Input_Title_error")!.TextContent);
        Assert.Contains("lower-case letters", (await RefusedAsync(Form("Bad", "Bad Slug!"))).QuerySelector("#Input_Slug_error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Another page already uses this address.", (await RefusedAsync(Form("Again", taken))).QuerySelector("#Input_Slug_error")!.TextContent);
        Assert.Contains("0 to 999", (await RefusedAsync(Form("Place", position: "first"))).QuerySelector("#Input_Position_error")!.TextContent, StringComparison.Ordinal);
        var tooLong = await RefusedAsync(Form("Long", body: new string('x', IStorePagesAdmin.MaxBody + 1)));
        Assert.Contains("50000", tooLong.QuerySelector(".field-error")!.TextContent.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // What the merchant typed stays in the form.
        Assert.Equal("Long", tooLong.QuerySelector("#Input_Title")!.GetAttribute("value"));
        Assert.Equal(before.Count, (await PagesAsync()).Count);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/store-pages/not-a-page")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/store-pages/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await store.Client().GetAsync("/pages/no-such-page")).StatusCode);
    }

    [Fact]
    public async Task Two_merchants_saving_the_same_version_at_once_keep_one_whole_version_and_the_other_is_told()
    {
        var admin = await store.AdminClientAsync();
        var other = await store.AdminClientAsync();
        var slug = Unique("returns");
        var created = await PostAsync(admin, "/admin/store-pages/new", Form("Returns", slug, body: "Thirty days."));
        var edit = created.RequestMessage!.RequestUri!.AbsolutePath;
        var opened = await admin.GetStringAsync(edit);
        var version = (await Html.ParseAsync(opened)).QuerySelector("input[name='Input.Version']")!.GetAttribute("value")!;

        Dictionary<string, string> Save(string body) => new(Form("Returns", slug, body: body))
        {
            ["Input.Version"] = version, ["__RequestVerificationToken"] = Html.AntiforgeryToken(opened),
        };
        var otherToken = Html.AntiforgeryToken(await other.GetStringAsync(edit));
        var theirs = Save("Fourteen days.");
        theirs["__RequestVerificationToken"] = otherToken;
        var answers = await Task.WhenAll(
            admin.PostAsync(edit, new FormUrlEncodedContent(Save("Sixty days."))),
            other.PostAsync(edit, new FormUrlEncodedContent(theirs)));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(bodies, b => b.Contains("Page saved.", StringComparison.Ordinal));
        var refused = Assert.Single(bodies, b => b.Contains("Someone else saved this page", StringComparison.Ordinal));

        var saved = (await PagesAsync()).Single(p => p.Slug == slug);
        using (var scope = store.Services.CreateScope())
        {
            var body = (await scope.ServiceProvider.GetRequiredService<IStorePagesAdmin>().GetForEditAsync(saved.Id, default))!.Input.Body;
            Assert.Contains(body, new[] { "Sixty days.", "Fourteen days." });
            // The refused form still holds the other merchant's words, ready to save over the winner knowingly.
            var refusedForm = await Html.ParseAsync(refused);
            Assert.NotEqual(body, refusedForm.QuerySelector("#Input_Body")!.TextContent);
            Assert.NotEqual(version, refusedForm.QuerySelector("input[name='Input.Version']")!.GetAttribute("value"));
        }

        // Two presses of "Create page" at once with the same address make one page.
        var twin = Unique("twin");
        var newForm = await admin.GetStringAsync("/admin/store-pages/new");
        Dictionary<string, string> Create() => new(Form("Twin", twin)) { ["__RequestVerificationToken"] = Html.AntiforgeryToken(newForm) };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.PostAsync("/admin/store-pages/new", new FormUrlEncodedContent(Create()))));
        Assert.Single(await PagesAsync(), p => p.Slug == twin);
    }

    [Fact]
    public async Task Only_owners_open_the_store_pages_and_shoppers_cannot()
    {
        var shopper = store.Client();
        var answer = await shopper.GetAsync("/admin/store-pages");
        Assert.Equal("/account/login", answer.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains(("/Content", Storefront.Web.Identity.Roles.AdminPolicy), Storefront.Web.Identity.StaffPages.Folders);
        var list = await (await store.AdminClientAsync()).GetDocumentAsync("/admin/store-pages");
        Assert.NotNull(list.QuerySelector("nav.admin-nav a[href='/admin/store-pages']"));
    }

    private static string Title(string title) => title.ToLowerInvariant().Replace(' ', '-');

    /// <summary>A shopper's checkout review page for one product.</summary>
    private async Task<AngleSharp.Dom.IDocument> ReviewPageAsync()
    {
        var product = await store.ProductAsync(onHand: 10);
        var client = store.Client();
        var page = await client.GetStringAsync($"/p/{product.Slug}");
        var added = await client.PostAsync("/cart?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sku"] = product.Sku, ["quantity"] = "1", ["returnUrl"] = $"/p/{product.Slug}", ["__RequestVerificationToken"] = Html.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var review = await PostAsync(client, "/checkout", new()
        {
            ["Form.Email"] = "terms@example.test", ["Form.Name"] = "Tess Terms", ["Form.Line1"] = "1 Main St", ["Form.City"] = "Albany",
            ["Form.Region"] = "NY", ["Form.PostalCode"] = "12207", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
        });
        Assert.Equal("/checkout/review", review.RequestMessage!.RequestUri!.AbsolutePath);
        return await Html.ParseAsync(await review.Content.ReadAsStringAsync());
    }
}
