using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Storefront.Tests.Browser;

public sealed class ShopperAndMerchantFlowTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Shopper_browses_a_category_filters_it_and_opens_a_product()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Categories" }).GetByRole(AriaRole.Link, new() { Name = "Electronics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Electronics", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.List, new() { Name = "Subcategories" }).GetByRole(AriaRole.Link, new() { Name = "Audio" }).ClickAsync();
        await page.GetByRole(AriaRole.List, new() { Name = "Subcategories" }).GetByRole(AriaRole.Link, new() { Name = "Headphones" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Headphones");

        await page.Locator("fieldset", new() { Has = page.GetByText("Connectivity", new() { Exact = true }) })
            .GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("^Bluetooth") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("attr.connectivity=Bluetooth"));
        var titles = await page.Locator(".product-title").AllTextContentsAsync();
        Assert.NotEmpty(titles);
        Assert.All(titles, t => Assert.EndsWith("Bluetooth", t));

        await page.GetByLabel("Sort by").SelectOptionAsync("price-asc");
        await Expect(page).ToHaveURLAsync(new Regex("sort=price-asc"));
        await BrowserFixture.ScreenshotAsync(page, "category-headphones");

        var first = titles.Count > 0 ? (await page.Locator(".product-title").First.TextContentAsync())! : "";
        await page.Locator(".product-card a").First.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(first);
        await Expect(page.Locator(".buy-box .price")).ToBeVisibleAsync();
        await Expect(page.Locator("#availability")).ToHaveTextAsync(new Regex("In stock|Only \\d left|Out of stock"));
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" })).ToContainTextAsync("Headphones");
        await BrowserFixture.ScreenshotAsync(page, "product");
    }

    /// <summary>A page that asked for <paramref name="adminPath"/>, was sent to sign in, and came back signed in as the merchant.</summary>
    private async Task<IPage> MerchantAsync(string adminPath)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(adminPath);
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.GetByLabel("E-mail").FillAsync(AdminBootstrapper.DemoEmail);
        await page.GetByLabel("Password").FillAsync(AdminBootstrapper.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(adminPath) + "$"));
        return page;
    }

    [Fact]
    public async Task An_owner_invites_a_packer_who_joins_from_the_emailed_link_and_sees_only_the_order_pages()
    {
        var page = await MerchantAsync("/admin/staff");
        var email = $"packer-{Guid.NewGuid():N}@example.test";
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(Roles.Orders);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"is on its way to {email}");
        await Expect(page.Locator($"#invitations tr[data-invitation='{email}']")).ToContainTextAsync("Orders and customers");
        await BrowserFixture.ScreenshotAsync(page, "admin-staff");

        var link = await Mailbox.LinkAsync(app, email, "/account/join");
        var packer = await app.NewPageAsync();
        await packer.GotoAsync(link.PathAndQuery);
        await Expect(packer.Locator("main")).ToContainTextAsync("to join the staff as Orders and customers");
        await packer.GetByLabel("Your name").FillAsync("Pat Packer");
        await packer.GetByLabel("Password", new() { Exact = true }).FillAsync("Packing-Password-2024");
        await packer.GetByLabel("Password again").FillAsync("Packing-Password-2024");
        await BrowserFixture.ScreenshotAsync(packer, "join-staff");
        await packer.GetByRole(AriaRole.Button, new() { Name = "Join the staff" }).ClickAsync();
        await Expect(packer).ToHaveURLAsync(new Regex("/admin$"));
        await Expect(packer.GetByRole(AriaRole.Status)).ToContainTextAsync("Welcome to the staff");
        var nav = packer.GetByRole(AriaRole.Navigation, new() { Name = "Admin" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Fulfilment" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Products" })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Staff" })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(packer, "admin-dashboard-order-staff");

        // Back on the owner's page, the packer is on the staff list.
        await page.ReloadAsync();
        await Expect(page.Locator($"#staff tr[data-staff='{email}']")).ToContainTextAsync("Pat Packer");
    }

    /// <summary>Places a guest order of one unit of an in-stock product; its number.</summary>
    private async Task<string> GuestOrderAsync()
    {
        string sku;
        await using (var connection = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                SELECT p.sku FROM catalog.products p JOIN inventory.stock_items s ON s.sku = p.sku
                WHERE p.is_published AND s.on_hand - s.reserved > 5 ORDER BY p.sku DESC LIMIT 1
                """, connection);
            sku = (string)(await command.ExecuteScalarAsync())!;
        }
        using var scope = app.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<Storefront.Cart.Contracts.ICarts>();
        var cart = await carts.StartAsync(default);
        Assert.True((await carts.AddAsync(cart, sku, 1, default)).Succeeded);
        var placed = await scope.ServiceProvider.GetRequiredService<Storefront.Checkout.Contracts.ICheckout>().PlaceOrderAsync(new Storefront.Checkout.Contracts.CheckoutRequest(
            Guid.NewGuid(), cart, null, $"slip-{Guid.NewGuid():N}@example.test",
            new Storefront.Checkout.Contracts.Address("Pia Printed", "2 Paper Lane", null, "Albany", "NY", "12207", "US"), "standard",
            Storefront.Checkout.Payments.TestPaymentGateway.SuccessCard), default);
        Assert.True(placed.Succeeded, placed.Outcome.ToString());
        return placed.OrderNumber!;
    }

    [Fact]
    public async Task Merchant_prints_the_packing_slips_one_order_to_a_sheet_without_the_site_around_them()
    {
        await GuestOrderAsync();
        await GuestOrderAsync();
        var page = await MerchantAsync("/admin/fulfilment");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Print the packing slips") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/packing-slips$"));
        var slips = await page.Locator("article.packing-slip").CountAsync();
        Assert.True(slips >= 2, $"{slips} slips");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-packing-slips");

        // Printed: the header, menu and footer are gone, and each order has a sheet of its own.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" })).ToBeHiddenAsync();
        await Expect(page.Locator("article.packing-slip").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-packing-slips-printed");
        var pdf = await page.PdfAsync(new() { Format = "A4" });
        var sheets = Regex.Count(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page[^s]");
        Assert.Equal(slips, sheets);
    }

    [Fact]
    public async Task The_invoice_of_an_order_opens_from_its_admin_page_and_prints_as_the_document_alone()
    {
        var number = await GuestOrderAsync();
        var page = await MerchantAsync($"/admin/orders/{number}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Invoice", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/orders/{number}/invoice$"));
        await Expect(page.Locator("#invoice h1")).ToHaveTextAsync(new Regex(@"^Invoice INV-\d{4}-\d{6}$"));
        await Expect(page.Locator("#invoice")).ToContainTextAsync("Pia Printed");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print or save as PDF" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "invoice");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print or save as PDF" })).ToBeHiddenAsync();
        await Expect(page.Locator("#invoice")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_shopper_turns_on_two_step_sign_in_and_signs_in_with_the_apps_code()
    {
        var email = $"two-step-{Guid.NewGuid():N}@example.test";
        const string Password = "Two-Step-Browser-1";
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StoreUser>>();
            Assert.True((await users.CreateAsync(new StoreUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Tess" }, Password)).Succeeded);
        }
        var page = await app.NewPageAsync();
        async Task PasswordAsync()
        {
            await page.GotoAsync("/account/login");
            await page.GetByLabel("E-mail").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        }
        await PasswordAsync();
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Turn on two-step sign-in" }).ClickAsync();
        var key = (await page.Locator("#authenticator-key").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "two-step-setup");
        await page.GetByLabel("Code from the app").FillAsync(Storefront.Tests.Security.Authenticator.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step sign-in" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await BrowserFixture.ScreenshotAsync(page, "two-step-recovery-codes");

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).Last.ClickAsync();
        await PasswordAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login/two-step"));
        await page.GetByLabel("Code").FillAsync(Storefront.Tests.Security.Authenticator.Code(key, DateTimeOffset.UtcNow.AddSeconds(-30)));
        await BrowserFixture.ScreenshotAsync(page, "two-step-sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Your account" })).ToBeVisibleAsync();
        await page.GotoAsync("/account");
        await Expect(page.Locator("#two-step")).ToContainTextAsync("On: signing in asks for your password and the code");
    }

    [Fact]
    public async Task A_guest_returns_a_shipped_product_from_the_order_page_and_the_merchant_refunds_it()
    {
        var number = await GuestOrderAsync();
        string orderUrl;
        using (var scope = app.Services.CreateScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<Storefront.Checkout.Contracts.IOrderAdmin>();
            Assert.True((await admin.MoveAsync(number, "Packed", null, null, "admin", default)).Succeeded);
            Assert.True((await admin.MoveAsync(number, "Shipped", "UPS", "1Z5", "admin", default)).Succeeded);
            var order = (await scope.ServiceProvider.GetRequiredService<Storefront.Checkout.Contracts.IOrders>().GetAsync(number, default))!;
            orderUrl = $"/orders/{number}?key={Uri.EscapeDataString(app.Services.GetRequiredService<Storefront.Web.Shopping.OrderAccess>().KeyFor(order))}";
        }
        var shopper = await app.NewPageAsync();
        await shopper.GotoAsync(orderUrl);
        await shopper.GetByRole(AriaRole.Link, new() { Name = "Return products" }).ClickAsync();
        await shopper.Locator("form.return-form select").First.SelectOptionAsync("1");
        await shopper.GetByLabel("Why are you returning them?").FillAsync("It arrived scratched.");
        await BrowserFixture.ScreenshotAsync(shopper, "return-request");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Ask to return them" }).ClickAsync();
        await Expect(shopper.GetByRole(AriaRole.Status)).ToContainTextAsync("is requested");
        await Expect(shopper.Locator("#returns .return-status")).ToHaveTextAsync("Requested");

        var merchant = await MerchantAsync("/admin/returns");
        var row = merchant.Locator($"tr[data-return='{number}-R1']");
        await Expect(row).ToContainTextAsync("It arrived scratched.");
        await BrowserFixture.ScreenshotAsync(merchant, "admin-returns");
        await row.GetByRole(AriaRole.Button, new() { Name = "Refund" }).ClickAsync();
        await Expect(merchant.GetByRole(AriaRole.Status)).ToContainTextAsync($"Return {number}-R1 refunded");

        await shopper.GotoAsync(orderUrl);
        await Expect(shopper.Locator("#returns .return-status")).ToHaveTextAsync("Refunded");
        await BrowserFixture.ScreenshotAsync(shopper, "order-returned");
    }

    [Fact]
    public async Task Merchant_writes_a_returns_page_previews_it_and_shoppers_find_it_in_the_footer()
    {
        var page = await MerchantAsync("/admin/store-pages");
        await page.GetByRole(AriaRole.Link, new() { Name = "New page" }).ClickAsync();
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Returns policy");
        await page.GetByLabel("Text", new() { Exact = true }).FillAsync(
            "You can send anything back within **30 days**.\n\n## How\n- Write to us\n- We send a label\n\n| Item | Days |\n| --- | --- |\n| Unopened | 30 |\n| Opened | 14 |");
        await page.GetByLabel("Place in the footer").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.Locator(".preview .store-page-body h2")).ToHaveTextAsync("How");
        await Expect(page.Locator(".preview strong")).ToHaveTextAsync("30 days");
        await BrowserFixture.ScreenshotAsync(page, "admin-store-page-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create page" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Page created.");

        // A shopper finds it in the footer of any page and opens it.
        var shopper = await app.NewPageAsync();
        await shopper.GotoAsync("/");
        var link = shopper.Locator("footer.site-footer").GetByRole(AriaRole.Link, new() { Name = "Returns policy" });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await link.ClickAsync();
        await Expect(shopper.Locator("main h1")).ToHaveTextAsync("Returns policy");
        await Expect(shopper.Locator(".store-page-body td").Nth(1)).ToHaveTextAsync("30");
        await BrowserFixture.ScreenshotAsync(shopper, "store-page");
    }

    [Fact]
    public async Task Merchant_sees_the_search_index_status_and_starts_a_rebuild()
    {
        var page = await MerchantAsync("/admin/search");
        var status = page.Locator(".search-status");
        await Expect(status).ToContainTextAsync("Lucene.Net");
        await Expect(status).ToContainTextAsync("current");
        await Expect(page.Locator("#lag")).ToContainTextAsync("up to date");
        await BrowserFixture.ScreenshotAsync(page, "admin-search-status");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rebuild the index" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rebuild started");
    }

    [Fact]
    public async Task Merchant_signs_in_and_edits_a_product_with_errors_shown_beside_the_fields()
    {
        var page = await MerchantAsync("/admin/products");

        await page.GetByLabel("Search title or SKU").FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.Locator("table.data tbody a").First.ClickAsync();
        var slug = await page.GetByLabel("URL slug").InputValueAsync();

        // A blank title is refused beside the field, and nothing changes in the store.
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#Input_Title_error")).ToHaveTextAsync("Enter a title.");
        await BrowserFixture.ScreenshotAsync(page, "admin-edit-error");

        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Corvex Book Ultra Laptop, 32 GB RAM");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Product saved.");
        await BrowserFixture.ScreenshotAsync(page, "admin-edit-saved");

        await page.GotoAsync($"/p/{slug}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Corvex Book Ultra Laptop, 32 GB RAM");
    }

    [Fact]
    public async Task Merchant_imports_products_from_a_spreadsheet_fixes_a_problem_and_applies_the_preview()
    {
        var page = await MerchantAsync("/admin/products");
        await page.GetByRole(AriaRole.Link, new() { Name = "Import CSV" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Import products");

        static FilePayload File(string csv) => new() { Name = "spring.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) };
        const string Header = "sku,title,brand,category,price,on_hand,published\r\n";

        // A typo in a price: the page lists it by line, and nothing is imported.
        await page.GetByLabel("CSV file").SetInputFilesAsync(File(Header + "BRW-TENT-1,Ridge 2 Tent,Trailhead,tents,1O9.00,8,true\r\n"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check file" }).ClickAsync();
        await Expect(page.Locator("#import-problems")).ToContainTextAsync("Nothing was changed.");
        await Expect(page.Locator("#import-problems tbody tr")).ToContainTextAsync("price");
        await BrowserFixture.ScreenshotAsync(page, "admin-import-problems");

        await page.GetByLabel("CSV file").SetInputFilesAsync(File(Header + "BRW-TENT-1,Ridge 2 Tent,Trailhead,tents,109.00,8,true\r\n"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check file" }).ClickAsync();
        await Expect(page.Locator("#import-status")).ToHaveTextAsync("Waiting to be applied");
        await Expect(page.Locator("#import-rows")).ToContainTextAsync("Ridge 2 Tent");
        await BrowserFixture.ScreenshotAsync(page, "admin-import-preview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Apply 1 change" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The import is being applied.");
        // The test host runs no Hangfire server: the job the button queued is run here; the page, reloading itself, follows.
        var id = Guid.Parse(page.Url.Split('/').Last().Split('?')[0]);
        await app.Services.GetRequiredService<Storefront.Catalog.Transfer.ProductImportJob>().RunAsync(id, default);
        await Expect(page.Locator("#import-status")).ToHaveTextAsync("Applied", new() { Timeout = 15_000 });
        await BrowserFixture.ScreenshotAsync(page, "admin-import-applied");

        await page.GotoAsync("/p/ridge-2-tent");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Ridge 2 Tent");
        await Expect(page.Locator(".buy-box .price")).ToContainTextAsync("$109.00");
    }

    [Fact]
    public async Task A_file_over_the_import_pages_request_limit_is_answered_413_with_the_error_page_by_the_real_server()
    {
        var page = await MerchantAsync("/admin/products/import");
        var token = await page.Locator("#import-form input[name=__RequestVerificationToken]").InputValueAsync();
        var form = page.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token);
        form.Set("file", new FilePayload { Name = "huge.csv", MimeType = "text/csv", Buffer = new byte[12 * 1024 * 1024] });
        var response = await page.APIRequest.PostAsync("/admin/products/import", new() { Multipart = form, MaxRedirects = 0 });
        Assert.Equal(413, response.Status);
        Assert.Contains("That was more than we accept", await response.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_cart_joins_the_shoppers_own_cart_when_they_sign_in()
    {
        var (sku, slug, title) = await ProductWithStockAsync(50);
        var email = $"browser-{Guid.NewGuid():N}@example.test";
        var page = await app.NewPageAsync();

        // A returning shopper: an account with one unit already in its cart.
        await RegisterAsync(page, "Robin Browser", email, "Browser-Shopper-1");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your e-mail address is confirmed and you are signed in.");
        await page.GotoAsync($"/p/{slug}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Account" }).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("0");

        // Signed out, the same browser fills an anonymous cart.
        await page.GotoAsync($"/p/{slug}");
        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Added 2 × “{title}” to your cart.");
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("2");
        await BrowserFixture.ScreenshotAsync(page, "added-to-cart");

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Browser-Shopper-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The items you added before signing in are now in your cart.");
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("3");

        await page.Locator(".mini-cart").ClickAsync();
        var line = page.Locator($"tr.cart-line[data-sku='{sku}']");
        await Expect(line.GetByLabel($"Quantity of {title}")).ToHaveValueAsync("3");
        await Expect(line.Locator(".held")).ToContainTextAsync("Held for you for");
        await BrowserFixture.ScreenshotAsync(page, "cart-after-sign-in");

        // Changing the quantity on the cart page holds the new amount.
        await line.GetByLabel($"Quantity of {title}").FillAsync("1");
        await line.GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your cart has been updated.");
        await Expect(page.Locator(".cart-count")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Shopper_buys_with_the_test_card_and_sees_the_tracking_number_the_merchant_adds()
    {
        var (_, slug, title) = await ProductWithStockAsync(20, offset: 1);
        var shopper = await app.NewPageAsync();
        await shopper.GotoAsync($"/p/{slug}");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await shopper.Locator(".mini-cart").ClickAsync();
        await shopper.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();

        await shopper.GetByLabel("E-mail").FillAsync("guest.buyer@example.test");
        await shopper.GetByLabel("Full name").FillAsync("Guest Buyer");
        await shopper.GetByLabel("Street address").FillAsync("12 Pine Avenue");
        await shopper.GetByLabel("City").FillAsync("Seattle");
        await shopper.GetByLabel("State or province code").FillAsync("WA");
        await shopper.GetByLabel("Postal code").FillAsync("98101");
        await shopper.GetByLabel("Express (next day)").CheckAsync();
        await BrowserFixture.ScreenshotAsync(shopper, "checkout-delivery");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();

        await Expect(shopper.GetByRole(AriaRole.Heading, new() { Name = "Review and pay" })).ToBeVisibleAsync();
        await Expect(shopper.Locator("table.order-lines")).ToContainTextAsync(title);
        await shopper.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await BrowserFixture.ScreenshotAsync(shopper, "checkout-review");
        await shopper.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Place order and pay") }).ClickAsync();

        await Expect(shopper.Locator("#order-status")).ToHaveTextAsync("Paid");
        var number = (await shopper.Locator("h1").TextContentAsync())!.Replace("Order ", "", StringComparison.Ordinal);
        Assert.Matches("^SF-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", number);
        await Expect(shopper.Locator(".cart-count")).ToHaveTextAsync("0");
        await BrowserFixture.ScreenshotAsync(shopper, "order-placed");

        var merchant = await app.NewPageAsync();
        await merchant.GotoAsync($"/admin/orders/{number}");
        await merchant.GetByLabel("E-mail").FillAsync(AdminBootstrapper.DemoEmail);
        await merchant.GetByLabel("Password").FillAsync(AdminBootstrapper.DemoPassword);
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Mark as packed" }).ClickAsync();
        await Expect(merchant.Locator("#order-status")).ToHaveTextAsync("Packed");
        await merchant.GetByLabel("Carrier").FillAsync("UPS");
        await merchant.GetByLabel("Tracking number").FillAsync("1Z999AA10123456784");
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Mark as shipped" }).ClickAsync();
        await Expect(merchant.Locator("#order-status")).ToHaveTextAsync("Shipped");
        await BrowserFixture.ScreenshotAsync(merchant, "admin-order-shipped");

        await shopper.ReloadAsync();
        await Expect(shopper.Locator("#order-status")).ToHaveTextAsync("Shipped");
        await Expect(shopper.Locator("#tracking")).ToContainTextAsync("1Z999AA10123456784");
        await BrowserFixture.ScreenshotAsync(shopper, "order-shipped");
    }

    [Fact]
    public async Task Shopper_types_into_search_picks_a_suggestion_with_the_keyboard_and_applies_a_facet()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        var box = page.GetByRole(AriaRole.Combobox, new() { Name = "Search products" });
        await box.PressSequentiallyAsync("headph", new() { Delay = 40 });
        var suggestions = page.GetByRole(AriaRole.Listbox, new() { Name = "Suggestions" });
        await Expect(suggestions).ToBeVisibleAsync();
        await Expect(suggestions.GetByRole(AriaRole.Option).First).ToContainTextAsync("Headphones");
        await BrowserFixture.ScreenshotAsync(page, "search-suggestions");
        await box.PressAsync("ArrowDown");
        await Expect(box).ToHaveAttributeAsync("aria-activedescendant", "suggestion-0");
        await box.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/c/headphones$"));

        await box.FillAsync("headphones");
        // With no suggestion chosen, Enter searches for the words as typed.
        await box.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/search\\?q=headphones"));
        await Expect(page.Locator(".search-results .product-card").First).ToBeVisibleAsync();
        var brandFacet = page.Locator("fieldset", new() { Has = page.GetByText("Brand", new() { Exact = true }) }).GetByRole(AriaRole.Link).First;
        var brand = (await brandFacet.TextContentAsync())!;
        await brandFacet.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("brand="));
        var brands = await page.Locator(".search-results .brand").AllTextContentsAsync();
        Assert.NotEmpty(brands);
        Assert.All(brands, b => Assert.Equal(brand, b));
        await BrowserFixture.ScreenshotAsync(page, "search-results");
    }

    [Fact]
    public async Task Shopper_asks_to_hear_when_a_sold_out_product_is_back_and_finds_the_alert_on_the_account()
    {
        var (sku, slug, title) = await ProductWithStockAsync(0, offset: 2);
        await app.DrainOutboxAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the cached page is evicted again after its settle delay
        var page = await app.NewPageAsync();

        // Signed out, the button asks the shopper to sign in and brings them back to the product.
        await page.GotoAsync($"/p/{slug}");
        await Expect(page.Locator("#availability")).ToHaveTextAsync("Out of stock");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tell me when it is back" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sign in first");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create account" }).First.ClickAsync();
        await RegisterAsync(page, "Avery Waiting", $"alert-{Guid.NewGuid():N}@example.test", "Browser-Shopper-1");

        await page.GotoAsync($"/p/{slug}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tell me when it is back" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"We will e-mail you once when “{title}” is back in stock. Your alerts are on your account page.");
        await BrowserFixture.ScreenshotAsync(page, "stock-alert-asked");

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Products you asked us to tell you about" }).ClickAsync();
        await Expect(page.Locator($"tr[data-sku='{sku}']")).ToContainTextAsync(title);
        await BrowserFixture.ScreenshotAsync(page, "stock-alerts");
        await page.Locator($"tr[data-sku='{sku}']").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The alert is removed.");
        await Expect(page.Locator("#no-alerts")).ToBeVisibleAsync();
    }

    /// <summary>Creates an account in the browser and confirms it from the e-mail's link, which signs the shopper in.</summary>
    private async Task RegisterAsync(IPage page, string name, string email, string password)
    {
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Password again").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Check your inbox to finish creating your account.");
        // The link of the confirmation e-mail asks for the password, then signs the shopper in.
        await page.GotoAsync((await Mailbox.LinkAsync(app, email, "/account/confirm-email")).PathAndQuery);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Shopper_who_bought_a_product_writes_a_review_and_sees_it_on_the_product_page()
    {
        var (sku, slug, title) = await ProductWithStockAsync(30, offset: 3);
        var email = $"reviewer-{Guid.NewGuid():N}@example.test";
        var page = await app.NewPageAsync();
        await RegisterAsync(page, "Rowan Reviewer", email, "Browser-Shopper-1");
        // The order itself, placed for the account directly: the checkout's pages have their own test.
        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services))
        {
            var sp = scope.ServiceProvider;
            var userId = (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Storefront.Web.Identity.StoreUser>>(sp).FindByEmailAsync(email))!.Id;
            var carts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Storefront.Cart.Contracts.ICarts>(sp);
            var cartId = await carts.CartOfUserAsync(userId, default);
            Assert.True((await carts.AddAsync(cartId, sku, 1, default)).Succeeded);
            var placed = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Storefront.Checkout.Contracts.ICheckout>(sp)
                .PlaceOrderAsync(new Storefront.Checkout.Contracts.CheckoutRequest(Guid.NewGuid(), cartId, userId, email,
                    new Storefront.Checkout.Contracts.Address("Rowan Reviewer", "3 Oak Lane", null, "Albany", "NY", "12207", "US"), "standard",
                    Storefront.Checkout.Payments.TestPaymentGateway.SuccessCard), default);
            Assert.True(placed.Succeeded);
        }

        await page.GotoAsync($"/p/{slug}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Write a review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Write a review" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Shown as")).ToHaveValueAsync("Rowan R.");
        await page.GetByLabel("4 stars").CheckAsync();
        await page.GetByLabel("Title").FillAsync("Does what it says");
        await page.GetByLabel("Your review").FillAsync("Arrived quickly and works well.");
        await BrowserFixture.ScreenshotAsync(page, "review-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post the review" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thank you: your review is on the product page.");
        await Expect(page.Locator("#reviews")).ToContainTextAsync("Does what it says");
        await Expect(page.Locator("#reviews")).ToContainTextAsync("Rowan R.");
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await BrowserFixture.ScreenshotAsync(page, "review-posted");
    }

    [Fact]
    public async Task Merchant_creates_a_discount_code_and_a_shopper_pays_less_with_it()
    {
        var code = $"BROWSER-{Guid.NewGuid().ToString("N")[..6]}".ToUpperInvariant();
        var merchant = await MerchantAsync("/admin/discounts");
        await merchant.GetByLabel("Code").FillAsync(code);
        await merchant.GetByLabel("Takes off").SelectOptionAsync("Percent");
        await merchant.GetByLabel("How much").FillAsync("20");
        await merchant.GetByLabel("Orders it can be used for").FillAsync("50");
        await merchant.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        await Expect(merchant.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Discount code {code} created.");
        await Expect(merchant.Locator($"tr[data-code='{code}'] .state")).ToHaveTextAsync("Live");
        await BrowserFixture.ScreenshotAsync(merchant, "admin-discounts");

        var (_, slug, title) = await ProductWithStockAsync(20, offset: 4);
        var shopper = await app.NewPageAsync();
        await shopper.GotoAsync($"/p/{slug}");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await shopper.GotoAsync("/checkout");
        await shopper.GetByLabel("E-mail").FillAsync("discount.buyer@example.test");
        await shopper.GetByLabel("Full name").FillAsync("Dee Count");
        await shopper.GetByLabel("Street address").FillAsync("3 Sale Road");
        await shopper.GetByLabel("City").FillAsync("Seattle");
        await shopper.GetByLabel("State or province code").FillAsync("WA");
        await shopper.GetByLabel("Postal code").FillAsync("98101");
        // A mistyped code is said beside the field.
        await shopper.GetByLabel("Discount code (optional)").FillAsync(code + "X");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
        await Expect(shopper.Locator("#Form_DiscountCode-error")).ToHaveTextAsync($"There is no discount code {code}X. Check its spelling, or leave the field empty.");
        await BrowserFixture.ScreenshotAsync(shopper, "checkout-discount-refused");
        await shopper.GetByLabel("Discount code (optional)").FillAsync(code.ToLowerInvariant());
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();

        await Expect(shopper.GetByRole(AriaRole.Heading, new() { Name = "Review and pay" })).ToBeVisibleAsync();
        await Expect(shopper.Locator("table.order-lines")).ToContainTextAsync($"Discount ({code})");
        await Expect(shopper.Locator("#order-discount")).ToHaveTextAsync(new Regex("^−\\$[0-9,]+\\.[0-9]{2}$"));
        var total = await shopper.Locator("#order-total").TextContentAsync();
        await shopper.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await BrowserFixture.ScreenshotAsync(shopper, "checkout-discount-review");
        await shopper.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Place order and pay") }).ClickAsync();

        await Expect(shopper.Locator("#order-status")).ToHaveTextAsync("Paid");
        await Expect(shopper.Locator("table.order-lines")).ToContainTextAsync(title);
        await Expect(shopper.Locator("table.order-lines tfoot")).ToContainTextAsync($"Discount ({code})");
        await Expect(shopper.Locator("table.order-lines tfoot tr.total td")).ToHaveTextAsync(total!);

        await merchant.ReloadAsync();
        await Expect(merchant.Locator($"tr[data-code='{code}'] .used")).ToHaveTextAsync("1 of 50");
    }

    private async Task<(string Sku, string Slug, string Title)> ProductWithStockAsync(int onHand, int offset = 0)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT sku, slug, title FROM catalog.products WHERE is_published ORDER BY sku DESC OFFSET @offset LIMIT 1", connection);
        command.Parameters.AddWithValue("offset", offset);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var product = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services);
        var stock = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Storefront.Inventory.Contracts.IPricesAndStock>(scope.ServiceProvider);
        await stock.SetOnHandAsync(product.Item1, onHand, new Storefront.Inventory.Contracts.StockChangeContext("test", "Test stock"), default);
        return product;
    }
}
