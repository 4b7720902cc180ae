using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Checkout.Payments;
using Storefront.Tests.Fixtures;
using Storefront.Tests.Web;
using Storefront.Web.Identity;

namespace Storefront.Tests.Security;

public sealed class StaffFixture : ShopFixture;

/// <summary>
/// Staff roles and invitations: each role opens its own merchant pages and no others, read from the
/// database on every request; owners invite by e-mail, change and take away roles, and the store
/// never loses its last owner, however many owners act at once.
/// </summary>
public sealed class StaffTests(StaffFixture store) : IClassFixture<StaffFixture>
{
    private const string Password = "Staff-Password-2024";
    private const string InvitationSubject = "You are invited to join the staff of";

    private static readonly string[] CatalogPages = ["/admin/products", "/admin/products/import", "/admin/sales/new", "/admin/categories", "/admin/stock", "/admin/reviews", "/admin/discounts", "/admin/sales", "/admin/search", "/admin/recommendations"];
    private static readonly string[] OrderPages = ["/admin/orders", "/admin/fulfilment", "/admin/packing-slips", "/admin/returns", "/admin/customers"];
    private static readonly string[] OwnerPages = ["/admin/reports", "/admin/events", "/admin/staff", "/admin/store-pages", "/admin/jobs"];

    /// <summary>A confirmed account with <paramref name="role"/> (null: a shopper's), and a client signed in with it.</summary>
    private async Task<(HttpClient Client, string Email, string Id)> AccountAsync(string? role, string prefix = "staff")
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
        using var scope = store.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
        var user = new StoreUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = prefix };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        if (role is not null) Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        var client = store.Client();
        await StoreFixture.SignInAsync(client, email, Password);
        return (client, email, user.Id);
    }

    private async Task<string?> RoleOfAsync(string email)
    {
        using var scope = store.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
        return await users.FindByEmailAsync(email) is { } user ? await users.StaffRoleAsync(user) : null;
    }

    private static async Task<HttpStatusCode> OpenAsync(HttpClient client, string path)
    {
        using var answer = await client.GetAsync(path);
        // A refusal is a redirect to the "not allowed" page, which answers 403.
        return answer.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(page));
        return await client.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(fields));
    }

    private static Task<HttpResponseMessage> InviteAsync(HttpClient owner, string email, string role) =>
        PostFormAsync(owner, "/admin/staff", "Invite", new() { ["InviteEmail"] = email, ["InviteRole"] = role });

    private static Task<HttpResponseMessage> SetRoleAsync(HttpClient owner, string userId, string role) =>
        PostFormAsync(owner, "/admin/staff", "Role", new() { ["user"] = userId, ["role"] = role });

    private static Task<HttpResponseMessage> RemoveAsync(HttpClient owner, string userId) =>
        PostFormAsync(owner, "/admin/staff", "Remove", new() { ["user"] = userId });

    private static async Task<string> NoticeAsync(HttpResponseMessage answer) =>
        string.Join(" ", (await Html.ParseAsync(await answer.Content.ReadAsStringAsync())).QuerySelectorAll(".notice").Select(n => n.TextContent.Trim()));

    private static async Task<string> MainTextAsync(HttpResponseMessage answer) =>
        (await Html.ParseAsync(await answer.Content.ReadAsStringAsync())).QuerySelector("main")?.TextContent ?? "";

    private static async Task<IReadOnlyList<string>> NavAsync(HttpClient client) =>
        (await client.GetDocumentAsync("/admin")).QuerySelectorAll("nav.admin-nav a").Select(a => a.GetAttribute("href")!).ToList();

    /// <summary>Fills in the join page's "choose a password" form of <paramref name="link"/>.</summary>
    private static async Task<HttpResponseMessage> JoinWithPasswordAsync(HttpClient client, Uri link, string name, string password, string again)
    {
        var page = await client.GetDocumentAsync(link.PathAndQuery);
        var form = page.QuerySelector("main form[method=post]") ?? throw new InvalidOperationException("The join page shows no form: " + page.QuerySelector("main")?.TextContent);
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        (fields["Input.Name"], fields["Input.Password"], fields["Input.ConfirmPassword"]) = (name, password, again);
        return await client.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
    }

    private async Task<string> OrderAsync()
    {
        var product = await store.ProductAsync(onHand: 10);
        using var scope = store.Services.CreateScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICarts>();
        var cartId = Guid.NewGuid();
        Assert.True((await carts.AddAsync(cartId, product.Sku, 1, default)).Succeeded);
        var placed = await scope.ServiceProvider.GetRequiredService<ICheckout>().PlaceOrderAsync(new CheckoutRequest(Guid.NewGuid(), cartId, null, $"guest-{Guid.NewGuid():N}@example.test",
            new Address("Sam Shopper", "1 Main St", null, "Albany", "NY", "12207", "US"), "standard", TestPaymentGateway.SuccessCard), default);
        Assert.True(placed.Succeeded, English.Of(placed.Problem));
        return placed.OrderNumber!;
    }

    [Fact]
    public async Task Each_role_opens_its_own_merchant_pages_and_is_refused_the_others()
    {
        var (catalog, _, _) = await AccountAsync(Roles.Catalog);
        var (orders, _, _) = await AccountAsync(Roles.Orders);
        var (shopper, _, _) = await AccountAsync(null, "shopper");
        var owner = await store.AdminClientAsync();

        foreach (var page in CatalogPages)
        {
            Assert.Equal((page, HttpStatusCode.OK), (page, await OpenAsync(catalog, page)));
            Assert.Equal((page, HttpStatusCode.Forbidden), (page, await OpenAsync(orders, page)));
            Assert.Equal((page, HttpStatusCode.OK), (page, await OpenAsync(owner, page)));
        }
        foreach (var page in OrderPages)
        {
            Assert.Equal((page, HttpStatusCode.OK), (page, await OpenAsync(orders, page)));
            Assert.Equal((page, HttpStatusCode.Forbidden), (page, await OpenAsync(catalog, page)));
            Assert.Equal((page, HttpStatusCode.OK), (page, await OpenAsync(owner, page)));
        }
        foreach (var page in OwnerPages)
        {
            Assert.Equal((page, HttpStatusCode.Forbidden), (page, await OpenAsync(catalog, page)));
            Assert.Equal((page, HttpStatusCode.Forbidden), (page, await OpenAsync(orders, page)));
            Assert.Equal((page, HttpStatusCode.OK), (page, await OpenAsync(owner, page)));
        }
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(shopper, "/admin"));

        // Each sees the sections of its role, and is told what its role covers when refused.
        Assert.Equal(["/admin", "/admin/products", "/admin/categories", "/admin/stock", "/admin/discounts", "/admin/sales", "/admin/reviews", "/admin/search", "/admin/recommendations"],
            await NavAsync(catalog));
        Assert.Equal(["/admin", "/admin/orders", "/admin/fulfilment", "/admin/returns", "/admin/customers"], await NavAsync(orders));
        Assert.Contains("/admin/staff", await NavAsync(owner));
        var refused = await catalog.GetAsync("/admin/orders");
        Assert.Contains("Your role in this store, Products and prices, covers products, categories", await MainTextAsync(refused), StringComparison.Ordinal);

        // The dashboard shows each role its own part: stock to catalog staff, orders to order staff, sales to owners.
        var catalogDashboard = await catalog.GetDocumentAsync("/admin");
        Assert.NotNull(catalogDashboard.QuerySelector("[data-to-do=stock]"));
        Assert.Null(catalogDashboard.QuerySelector("[data-to-do=pack]"));
        Assert.Null(catalogDashboard.QuerySelector("#sales"));
        var ordersDashboard = await orders.GetDocumentAsync("/admin");
        Assert.NotNull(ordersDashboard.QuerySelector("[data-to-do=pack]"));
        Assert.Null(ordersDashboard.QuerySelector("[data-to-do=stock]"));
        Assert.Null(ordersDashboard.QuerySelector("[data-to-do=jobs]"));
        Assert.NotNull((await owner.GetDocumentAsync("/admin")).QuerySelector("#sales"));

        // An order's own page opens for order staff and owners, and looks like no order at all to catalog staff.
        var number = await OrderAsync();
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(orders, $"/orders/{number}"));
        Assert.Equal(HttpStatusCode.NotFound, await OpenAsync(catalog, $"/orders/{number}"));
    }

    [Fact]
    public void Every_folder_of_the_admin_area_says_which_roles_open_it()
    {
        // A new admin folder missing from the list would be open to every staff role.
        var folders = typeof(StaffAccess).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Storefront.Web.Areas.Admin.Pages.", StringComparison.Ordinal) == true
                && typeof(Microsoft.AspNetCore.Mvc.RazorPages.PageModel).IsAssignableFrom(t))
            .Select(t => "/" + t.Namespace!["Storefront.Web.Areas.Admin.Pages.".Length..].Split('.')[0])
            .ToHashSet();
        Assert.NotEmpty(folders);
        Assert.Empty(folders.Except(StaffPages.Folders.Select(f => f.Folder)));
    }

    [Fact]
    public async Task An_owner_invites_someone_new_who_chooses_a_password_from_the_link_and_lands_in_their_role()
    {
        var owner = await store.AdminClientAsync();
        var email = $"new-packer-{Guid.NewGuid():N}@example.test";
        var invited = await InviteAsync(owner, email, Roles.Orders);
        Assert.Contains($"An invitation to join as Orders and customers is on its way to {email}", await NoticeAsync(invited), StringComparison.Ordinal);
        var mail = Assert.Single(Mailbox.For(store, email, InvitationSubject));
        Assert.Contains("http://localhost:5000/account/join?", mail, StringComparison.Ordinal);
        Assert.Contains("Orders and customers", mail, StringComparison.Ordinal);
        var staffPage = await owner.GetDocumentAsync("/admin/staff");
        Assert.NotNull(staffPage.QuerySelector($"#invitations tr[data-invitation='{email}']"));

        var link = await Mailbox.LinkAsync(store, email, "/account/join");
        var newcomer = store.Client();
        // Two passwords that differ: refused, no account made.
        var mismatch = await JoinWithPasswordAsync(newcomer, link, "Pat Packer", Password, Password + "x");
        Assert.Contains("The two passwords are not the same.", await MainTextAsync(mismatch), StringComparison.Ordinal);
        Assert.Null(await RoleOfAsync(email));

        var joined = await JoinWithPasswordAsync(newcomer, link, "Pat Packer", Password, Password);
        Assert.Equal("/admin", joined.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Welcome to the staff. Your role is Orders and customers", await NoticeAsync(joined), StringComparison.Ordinal);
        Assert.Equal(Roles.Orders, await RoleOfAsync(email));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(newcomer, "/admin/orders"));
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(newcomer, "/admin/products"));

        // The link works once.
        var again = await store.Client().GetAsync(link.PathAndQuery);
        Assert.Contains("This invitation link is not valid, has expired, has been withdrawn or has been used already.", await MainTextAsync(again), StringComparison.Ordinal);

        // The owners' record says who did what.
        var changes = (await owner.GetDocumentAsync("/admin/staff")).QuerySelectorAll("#staff-changes tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(changes, c => c.Contains(AdminBootstrapper.DemoEmail, StringComparison.Ordinal) && c.Contains($"invited {email} as Orders and customers", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Contains(email, StringComparison.Ordinal) && c.Contains("joined as Orders and customers", StringComparison.Ordinal));
        var row = (await owner.GetDocumentAsync("/admin/staff")).QuerySelector($"#staff tr[data-staff='{email}']")!;
        Assert.Equal("off", row.QuerySelector(".two-step")!.TextContent);
        // Turned on, the owners see it.
        await TwoStepTests.TurnOnAsync(newcomer);
        Assert.Equal("on", (await owner.GetDocumentAsync("/admin/staff")).QuerySelector($"#staff tr[data-staff='{email}'] .two-step")!.TextContent);
    }

    [Fact]
    public async Task A_shopper_with_an_account_accepts_by_signing_in_and_nobody_else_can_use_their_link()
    {
        var owner = await store.AdminClientAsync();
        var (shopper, email, _) = await AccountAsync(null, "shopper");
        await InviteAsync(owner, email, Roles.Catalog);
        var link = await Mailbox.LinkAsync(store, email, "/account/join");

        // Someone else, signed in with their own account, is told the link is not theirs; a forged accept changes nothing.
        var (stranger, strangerEmail, _) = await AccountAsync(null, "stranger");
        var strangerPage = await stranger.GetAsync(link.PathAndQuery);
        Assert.Contains($"You are signed in as {strangerEmail}, and this invitation is for {email}.", await MainTextAsync(strangerPage), StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        var forged = await stranger.PostAsync("/account/join?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Invitation"] = query["invitation"]!, ["Input.Token"] = query["token"]!,
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(await strangerPage.Content.ReadAsStringAsync()),
        }));
        Assert.NotEqual("/admin", forged.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(await RoleOfAsync(strangerEmail));
        Assert.Null(await RoleOfAsync(email));

        // Signed out, the page asks for the account's sign-in, which comes back to it.
        var anonymous = await store.Client().GetDocumentAsync(link.PathAndQuery);
        var signInLink = anonymous.QuerySelector("main a[href*='/account/login']")!.GetAttribute("href")!;
        Assert.Contains("returnUrl=", signInLink, StringComparison.OrdinalIgnoreCase);

        // Signing in there comes back to the invitation, now with its button.
        var visitor = store.Client();
        var loginAddress = (await store.Client().GetDocumentAsync(link.PathAndQuery)).QuerySelector("main a[href*='/account/login']")!.GetAttribute("href")!;
        var login = await visitor.GetStringAsync(loginAddress);
        var loginForm = (await Html.ParseAsync(login)).QuerySelector("main form[method=post]")!;
        var loginFields = loginForm.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        (loginFields["Input.Email"], loginFields["Input.Password"]) = (email, Password);
        // The form has no action: it posts to the page's own address.
        var back = await visitor.PostAsync(loginAddress, new FormUrlEncodedContent(loginFields));
        Assert.Equal("/account/join", back.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.NotNull((await Html.ParseAsync(await back.Content.ReadAsStringAsync())).QuerySelector("main form button[type=submit]"));
        Assert.Contains("Accept and open the admin area", await MainTextAsync(back), StringComparison.Ordinal);

        // The shopper, signed in: accepts, and the same session opens the catalog pages at once.
        var page = await shopper.GetAsync(link.PathAndQuery);
        var accepted = await shopper.PostAsync("/account/join?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Invitation"] = query["invitation"]!, ["Input.Token"] = query["token"]!,
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
        }));
        Assert.Equal("/admin", accepted.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(Roles.Catalog, await RoleOfAsync(email));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(shopper, "/admin/products"));
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(shopper, "/admin/orders"));
    }

    [Fact]
    public async Task A_withdrawn_replaced_or_expired_invitation_opens_nothing()
    {
        var owner = await store.AdminClientAsync();
        var email = $"maybe-{Guid.NewGuid():N}@example.test";
        const string NotValid = "This invitation link is not valid, has expired, has been withdrawn or has been used already.";

        await InviteAsync(owner, email, Roles.Catalog);
        var first = await Mailbox.LinkAsync(store, email, "/account/join");
        await InviteAsync(owner, email, Roles.Orders);
        Assert.Equal(2, Mailbox.For(store, email, InvitationSubject).Count);
        var second = await Mailbox.LinkAsync(store, email, "/account/join");
        Assert.NotEqual(first, second);
        // The newer invitation replaces the older: one waits, in the newer role.
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync(first.PathAndQuery)), StringComparison.Ordinal);
        Assert.Contains("as Orders and customers", await MainTextAsync(await store.Client().GetAsync(second.PathAndQuery)), StringComparison.Ordinal);
        var row = Assert.Single((await owner.GetDocumentAsync("/admin/staff")).QuerySelectorAll($"#invitations tr[data-invitation='{email}']"));

        // Withdrawn: the link stops working at once, even for a page that was already open.
        var visitor = store.Client();
        var open = await visitor.GetDocumentAsync(second.PathAndQuery);
        var id = row.QuerySelector("input[name=invitation]")!.GetAttribute("value")!;
        var withdrawn = await PostFormAsync(owner, "/admin/staff", "Withdraw", new() { ["invitation"] = id });
        Assert.Contains("The invitation is withdrawn", await NoticeAsync(withdrawn), StringComparison.Ordinal);
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync(second.PathAndQuery)), StringComparison.Ordinal);
        Assert.Null(open.QuerySelector("main .notice.error"));
        var form = open.QuerySelector("main form[method=post]")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        (fields["Input.Name"], fields["Input.Password"], fields["Input.ConfirmPassword"]) = ("Late", Password, Password);
        var late = await visitor.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
        Assert.Contains(NotValid, await MainTextAsync(late), StringComparison.Ordinal);
        Assert.Null(await RoleOfAsync(email));

        // Expired: the link opens nothing after its time.
        await InviteAsync(owner, email, Roles.Catalog);
        var third = await Mailbox.LinkAsync(store, email, "/account/join");
        await using (var connection = new NpgsqlConnection(store.ConnectionString))
        {
            await connection.OpenAsync();
            await using var expire = new NpgsqlCommand("UPDATE identity.staff_invitations SET expires_at = now() - interval '1 minute' WHERE normalized_email = upper(@e) AND accepted_at IS NULL AND withdrawn_at IS NULL", connection);
            expire.Parameters.AddWithValue("e", email);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync());
        }
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync(third.PathAndQuery)), StringComparison.Ordinal);
        Assert.Contains("expired; invite again", (await owner.GetDocumentAsync("/admin/staff")).QuerySelector($"#invitations tr[data-invitation='{email}']")!.TextContent, StringComparison.Ordinal);

        // A made-up or altered token: nothing either.
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync(third.PathAndQuery.Replace("token=", "token=x", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync($"/account/join?invitation={Guid.NewGuid()}&token=abc")), StringComparison.Ordinal);
        Assert.Contains(NotValid, await MainTextAsync(await store.Client().GetAsync("/account/join?invitation=not-a-guid")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_double_click_sends_one_invitation_and_joins_once_landing_both_presses_in_the_admin_area()
    {
        var owner = await store.AdminClientAsync();
        var email = $"double-{Guid.NewGuid():N}@example.test";
        var token = Html.AntiforgeryToken(await owner.GetStringAsync("/admin/staff"));
        FormUrlEncodedContent Invite() => new(new Dictionary<string, string> { ["InviteEmail"] = email, ["InviteRole"] = Roles.Catalog, ["__RequestVerificationToken"] = token });
        var invites = await Task.WhenAll(owner.PostAsync("/admin/staff?handler=Invite", Invite()), owner.PostAsync("/admin/staff?handler=Invite", Invite()));
        Assert.All(invites, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var link = await Mailbox.LinkAsync(store, email, "/account/join");
        Assert.Single(Mailbox.For(store, email, InvitationSubject));
        Assert.Single((await owner.GetDocumentAsync("/admin/staff")).QuerySelectorAll($"#invitations tr[data-invitation='{email}']"));

        // Both presses of "Join the staff", at once: one account, one role, one record; both end signed in on the admin pages.
        var newcomer = store.Client();
        var page = await newcomer.GetDocumentAsync(link.PathAndQuery);
        var form = page.QuerySelector("main form[method=post]")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        (fields["Input.Name"], fields["Input.Password"], fields["Input.ConfirmPassword"]) = ("Dee Double", Password, Password);
        var joins = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => newcomer.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields))));
        Assert.All(joins, r => Assert.Equal("/admin", r.RequestMessage!.RequestUri!.AbsolutePath));
        Assert.Equal(Roles.Catalog, await RoleOfAsync(email));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(newcomer, "/admin/products"));
        var changes = (await owner.GetDocumentAsync("/admin/staff")).QuerySelectorAll("#staff-changes tbody tr").Select(r => r.TextContent).ToList();
        Assert.Single(changes, c => c.Contains(email, StringComparison.Ordinal) && c.Contains("joined", StringComparison.Ordinal));
        Assert.Single(changes, c => c.Contains($"invited {email}", StringComparison.Ordinal));

        // Someone else who saw the used link cannot get in with another password.
        var other = store.Client();
        var late = await other.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(new Dictionary<string, string>(fields)
        {
            ["Input.Password"] = "Another-Password-1", ["Input.ConfirmPassword"] = "Another-Password-1",
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(await other.GetStringAsync("/account/login")),
        }));
        Assert.NotEqual("/admin", late.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/account/login", (await other.GetAsync("/admin")).RequestMessage!.RequestUri!.AbsolutePath);
    }

    private sealed class AwayMailServer : Storefront.BuildingBlocks.Email.IEmailSender
    {
        public Task SendAsync(Storefront.BuildingBlocks.Email.EmailMessage message, CancellationToken cancellationToken) =>
            throw new System.Net.Mail.SmtpException("The mail server is away.");
    }

    private sealed class Jobs : Hangfire.IBackgroundJobClient
    {
        public List<Hangfire.Common.Job> Created { get; } = [];

        public string Create(Hangfire.Common.Job job, Hangfire.States.IState state)
        {
            Created.Add(job);
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, Hangfire.States.IState state, string expectedState) => true;
    }

    [Fact]
    public async Task An_invitation_the_mail_server_could_not_take_is_sent_later_by_a_job_with_a_working_link()
    {
        var email = $"later-{Guid.NewGuid():N}@example.test";
        var jobs = new Jobs();
        using (var scope = store.Services.CreateScope())
        {
            var owner = await scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>().FindByEmailAsync(AdminBootstrapper.DemoEmail);
            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StoreUser>>().CreateAsync(owner!);
            var staff = ActivatorUtilities.CreateInstance<StaffDirectory>(scope.ServiceProvider, new AwayMailServer(), jobs);
            Assert.True((await staff.InviteAsync(principal, email, Roles.Orders, default)).Succeeded);
        }
        Assert.Empty(Mailbox.For(store, email));
        var job = Assert.Single(jobs.Created);
        Assert.Equal(typeof(StaffInvitationMailJob), job.Type);

        // The job, when the mail server is back: a fresh link (none is kept in the job) that works.
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<StaffInvitationMailJob>().SendAsync((Guid)job.Args[0], default);
        var link = await Mailbox.LinkAsync(store, email, "/account/join");
        var joined = await JoinWithPasswordAsync(store.Client(), link, "Lee Later", Password, Password);
        Assert.Equal("/admin", joined.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(Roles.Orders, await RoleOfAsync(email));

        // A job run again after the invitation was used sends nothing.
        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<StaffInvitationMailJob>().SendAsync((Guid)job.Args[0], default);
        Assert.Single(Mailbox.For(store, email, InvitationSubject));
    }

    [Fact]
    public async Task Order_emails_go_to_order_staff_and_stock_emails_to_catalog_staff()
    {
        var (_, orders, _) = await AccountAsync(Roles.Orders, "orders-mail");
        var (_, catalog, _) = await AccountAsync(Roles.Catalog, "catalog-mail");
        var product = await store.ProductAsync(onHand: 2);
        var number = await MerchantNoticesFixture.OrderAsync(store, product, $"buyer-{Guid.NewGuid():N}@example.test");
        await store.DrainOutboxAsync();
        Assert.Single(Mailbox.For(store, orders, $"New order {number}:"));
        Assert.Empty(Mailbox.For(store, catalog, "New order "));

        using (var scope = store.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Storefront.Web.Shopping.LowStockDigestJob>().RunAsync(default);
        Assert.Single(Mailbox.For(store, catalog, "Stock running low: "));
        Assert.Empty(Mailbox.For(store, orders, "Stock running low: "));
    }

    [Fact]
    public async Task Bad_invitations_are_refused_with_a_message_and_send_nothing()
    {
        var owner = await store.AdminClientAsync();
        var badAddress = await InviteAsync(owner, "not an address", Roles.Catalog);
        Assert.Equal(HttpStatusCode.OK, badAddress.StatusCode);
        Assert.Contains("Enter the e-mail address to invite", await MainTextAsync(badAddress), StringComparison.Ordinal);
        var badRole = await InviteAsync(owner, $"x-{Guid.NewGuid():N}@example.test", "Superuser");
        Assert.Contains("Choose one of the roles.", await MainTextAsync(badRole), StringComparison.Ordinal);
        var (_, staffEmail, _) = await AccountAsync(Roles.Catalog);
        var already = await InviteAsync(owner, staffEmail, Roles.Orders);
        Assert.Contains($"{staffEmail} is on the staff already", await MainTextAsync(already), StringComparison.Ordinal);
        Assert.Empty(Mailbox.For(store, staffEmail, InvitationSubject));
        Assert.Equal(Roles.Catalog, await RoleOfAsync(staffEmail));

        // Staff who are not owners cannot invite, even by posting the form themselves.
        var (catalog, _, _) = await AccountAsync(Roles.Catalog);
        var target = $"y-{Guid.NewGuid():N}@example.test";
        var forged = await catalog.PostAsync("/admin/staff?handler=Invite", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["InviteEmail"] = target, ["InviteRole"] = Roles.Admin,
            ["__RequestVerificationToken"] = Html.AntiforgeryToken(await catalog.GetStringAsync("/admin/products")),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(Mailbox.For(store, target));
    }

    [Fact]
    public async Task A_role_changed_or_taken_away_counts_from_the_next_request_of_a_session_already_signed_in()
    {
        var owner = await store.AdminClientAsync();
        var (client, email, id) = await AccountAsync(Roles.Orders);
        var number = await OrderAsync();
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, "/admin/orders"));
        var account = await client.GetDocumentAsync("/account");
        Assert.Contains("You are on the store's staff as Orders and customers", account.QuerySelector("#staff-role")!.TextContent, StringComparison.Ordinal);
        Assert.Null(account.QuerySelector("form[action*='handler=Delete']"));

        var changed = await SetRoleAsync(owner, id, Roles.Catalog);
        Assert.Contains("The role is now Products and prices", await NoticeAsync(changed), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(client, "/admin/orders"));
        Assert.Equal(HttpStatusCode.NotFound, await OpenAsync(client, $"/orders/{number}"));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, "/admin/products"));

        var removed = await RemoveAsync(owner, id);
        Assert.Contains("The account is no longer on the staff", await NoticeAsync(removed), StringComparison.Ordinal);
        Assert.Null(await RoleOfAsync(email));
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(client, "/admin"));
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(client, "/admin/products"));
        // Still a shopper's account, signed in, which can now be deleted like any.
        var shopperAccount = await client.GetDocumentAsync("/account");
        Assert.Null(shopperAccount.QuerySelector("#staff-role"));
        Assert.NotNull(shopperAccount.QuerySelector("form[action*='handler=Delete']"));
        var changes = (await owner.GetDocumentAsync("/admin/staff")).QuerySelectorAll("#staff-changes tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(changes, c => c.Contains($"changed the role of {email}: Orders and customers → Products and prices", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Contains($"took away the role of {email} (Products and prices)", StringComparison.Ordinal));

        // A session made before the account's password changed opens nothing, whatever its cookie says.
        var (other, otherEmail, _) = await AccountAsync(Roles.Catalog);
        using (var scope = store.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            var user = await users.FindByEmailAsync(otherEmail);
            Assert.True((await users.UpdateSecurityStampAsync(user!)).Succeeded);
        }
        Assert.Equal(HttpStatusCode.Forbidden, await OpenAsync(other, "/admin/products"));
    }

    [Fact]
    public async Task Owners_taking_each_others_roles_at_once_never_leave_the_store_without_an_owner()
    {
        var a = await AccountAsync(Roles.Admin, "owner-a");
        var b = await AccountAsync(Roles.Admin, "owner-b");
        var demo = await store.AdminClientAsync();
        string demoId;
        using (var scope = store.Services.CreateScope())
            demoId = (await scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>().FindByEmailAsync(AdminBootstrapper.DemoEmail))!.Id;
        var owners = new[] { (Client: a.Client, a.Id), (Client: b.Client, b.Id), (Client: demo, Id: demoId) };
        try
        {
            // Every owner takes every owner's role, their own included, all at once: nine requests.
            var tokens = await Task.WhenAll(owners.Select(async o => Html.AntiforgeryToken(await o.Client.GetStringAsync("/admin/staff"))));
            var requests = owners.SelectMany((o, i) => owners.Select(target => o.Client.PostAsync("/admin/staff?handler=Remove", new FormUrlEncodedContent(
                new Dictionary<string, string> { ["user"] = target.Id, ["__RequestVerificationToken"] = tokens[i] }))));
            var answers = await Task.WhenAll(requests);
            Assert.All(answers, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, r.StatusCode.ToString()));

            var left = new List<string>();
            foreach (var o in owners)
                if (await RoleOfIdAsync(o.Id) == Roles.Admin) left.Add(o.Id);
            Assert.Single(left);

            // The one left cannot take their own role either: the page says why, and they stay an owner.
            var last = owners.Single(o => o.Id == left[0]);
            var refused = await RemoveAsync(last.Client, last.Id);
            Assert.Contains("That would leave the store without an owner.", await NoticeAsync(refused), StringComparison.Ordinal);
            var demoted = await SetRoleAsync(last.Client, last.Id, Roles.Catalog);
            Assert.Contains("That would leave the store without an owner.", await NoticeAsync(demoted), StringComparison.Ordinal);
            Assert.Equal(Roles.Admin, await RoleOfIdAsync(last.Id));
        }
        finally
        {
            // The other tests sign in as the development admin.
            using var scope = store.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
            var admin = (await users.FindByEmailAsync(AdminBootstrapper.DemoEmail))!;
            if (!await users.IsInRoleAsync(admin, Roles.Admin)) await users.AddToRoleAsync(admin, Roles.Admin);
        }
    }

    private async Task<string?> RoleOfIdAsync(string id)
    {
        using var scope = store.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>();
        return await users.FindByIdAsync(id) is { } user ? await users.StaffRoleAsync(user) : null;
    }
}
