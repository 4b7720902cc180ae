using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Modules;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Identity;

internal static class IdentitySetup
{
    public static IServiceCollection AddStorefrontIdentity(this IServiceCollection services)
    {
        services.AddModuleDbContext<AppIdentityDbContext>(AppIdentityDbContext.Schema, withOutbox: false);
        services.AddIdentity<StoreUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                // An account is usable once its owner has confirmed the address: registering then
                // answers the same whether or not the address has an account (no one is told).
                o.SignIn.RequireConfirmedEmail = true;
                o.Tokens.EmailConfirmationTokenProvider = ConfirmationTokenProvider.ProviderName;
            })
            .AddEntityFrameworkStores<AppIdentityDbContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<ConfirmationTokenProvider>(ConfirmationTokenProvider.ProviderName)
            .AddTokenProvider<UnlockTokenProvider>(UnlockTokenProvider.ProviderName);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "storefront.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
        });
        // Reset links stay valid for two hours.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(2));
        services.AddOptions<AccountOptions>().BindConfiguration("Accounts")
            .Validate(o => o.ResetMailsPerHour is >= 1 and <= 100, "Accounts:ResetMailsPerHour must be between 1 and 100.")
            .Validate(o => o.RegistrationMailsPerHour is >= 1 and <= 100, "Accounts:RegistrationMailsPerHour must be between 1 and 100.")
            .Validate(o => o.ConfirmationLinkLifetime >= TimeSpan.FromMinutes(10) && o.ConfirmationLinkLifetime <= TimeSpan.FromDays(14),
                "Accounts:ConfirmationLinkLifetime must be a time span from 00:10:00 to 14.00:00:00.")
            .Validate(o => o.MerchantUnlockAfterFailures is >= 1 and <= 100, "Accounts:MerchantUnlockAfterFailures must be between 1 and 100.")
            .Validate(o => o.UnlockLinkLifetime >= TimeSpan.FromMinutes(10) && o.UnlockLinkLifetime <= TimeSpan.FromDays(7),
                "Accounts:UnlockLinkLifetime must be a time span from 00:10:00 to 7.00:00:00.")
            .Validate(o => o.UnlockMailInterval >= TimeSpan.FromMinutes(1) && o.UnlockMailInterval <= o.UnlockLinkLifetime,
                "Accounts:UnlockMailInterval must be a time span of at least 00:01:00 and at most Accounts:UnlockLinkLifetime (a link must still work when the next may be sent).")
            .Validate(o => o.StaffInvitationLifetime >= TimeSpan.FromHours(1) && o.StaffInvitationLifetime <= TimeSpan.FromDays(30),
                "Accounts:StaffInvitationLifetime must be a time span from 01:00:00 to 30.00:00:00.")
            .ValidateOnStart();
        services.AddOptions<ConfirmationTokenProviderOptions>().Configure<IOptions<AccountOptions>>((o, accounts) =>
            (o.Name, o.TokenLifespan) = (ConfirmationTokenProvider.ProviderName, accounts.Value.ConfirmationLinkLifetime));
        services.AddOptions<UnlockTokenProviderOptions>().Configure<IOptions<AccountOptions>>((o, accounts) =>
            (o.Name, o.TokenLifespan) = (UnlockTokenProvider.ProviderName, accounts.Value.UnlockLinkLifetime));
        services.AddScoped<MerchantUnlock>();
        services.AddSingleton<AccountMailLimits>();
        services.AddScoped<AccountMails>();
        services.AddScoped<AccountMailJob>();
        services.AddScoped<EmailConfirmation>();
        // The merchant pages by staff role, read from the database on each request (StaffAccess).
        services.AddScoped<StaffAccess>();
        services.AddScoped<StaffDirectory>();
        services.AddScoped<StaffInvitationMailJob>();
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, StaffRequirementHandler>();
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in StaffPages.PolicyRoles)
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().AddRequirements(new StaffRequirement(roles)));
        // A sign-in cookie's roles (the header's admin link) catch up with the account within this time.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));
        services.AddScoped<AdminBootstrapper>();
        services.AddOptions<EmailOptions>().BindConfiguration("Email");
        services.AddSingleton<IEmailSender, MailEmailSender>();
        services.AddHttpContextAccessor();
        services.AddScoped<Shopping.ShopperCart>();
        services.AddScoped<Shopping.BasketSuggestions>();
        services.AddScoped<Shopping.ProductCards>();
        services.AddSingleton<Shopping.CardHtml>();
        services.AddScoped<Shopping.CartMerge>();
        services.AddOptions<Shopping.OrderLinkOptions>().BindConfiguration("Orders")
            .Validate(o => o.LinkLifetime > TimeSpan.Zero && o.LinkLifetime <= TimeSpan.FromDays(365), "Orders:LinkLifetime must be between a moment and 365 days.")
            .ValidateOnStart();
        services.AddSingleton<Shopping.OrderAccess>();
        services.AddSingleton<Shopping.SearchClicks>();
        services.AddSingleton<Shopping.ShopLinks>();
        services.AddScoped<AccountData>();
        services.AddScoped<AccountDeletion>();
        services.AddScoped<AccountDirectory>();
        services.AddScoped<Areas.Admin.SalesReports>();
        return services;
    }
}

/// <summary>
/// Creates the first merchant account from configuration. Outside Development nothing is created
/// unless an e-mail and password are configured; in Development a demo admin is made and logged.
/// </summary>
internal sealed class AdminBootstrapper(
    UserManager<StoreUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<StorefrontOptions> options,
    IHostEnvironment environment,
    ILogger<AdminBootstrapper> logger)
{
    public const string DemoEmail = "admin@storefront.test";
    public const string DemoPassword = "Demo-Admin-2024";

    public async Task EnsureAdminAsync()
    {
        foreach (var role in Roles.Staff)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        var (email, password) = (options.Value.Admin.Email, options.Value.Admin.Password);
        var demo = false;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password))
        {
            if (!environment.IsDevelopment())
            {
                if (!(await users.GetUsersInRoleAsync(Roles.Admin)).Any())
                    logger.LogWarning("No admin account exists. Set Storefront__Admin__Email and Storefront__Admin__Password to create one.");
                return;
            }
            (email, password, demo) = (DemoEmail, DemoPassword, true);
        }
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new StoreUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Store admin" };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                throw new InvalidOperationException("The configured admin account could not be created: " +
                    string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        else if (!user.EmailConfirmed)
        {
            // The operator vouches for the configured address: the merchant must be able to sign in.
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }
        // The configured account is an owner again at every start: the way back in for a store
        // whose owners have lost their accounts (one staff role per account, so any other goes).
        if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            var others = (await users.GetRolesAsync(user)).Where(Roles.IsStaffRole).ToList();
            if (others.Count > 0) await users.RemoveFromRolesAsync(user, others);
            await users.AddToRoleAsync(user, Roles.Admin);
        }
        if (demo) logger.LogWarning("Development demo admin: {Email} / {Password} (configure Storefront:Admin for a real one)", email, password);
    }
}
