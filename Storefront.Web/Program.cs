using Storefront.Catalog;
using Storefront.Inventory;
using Storefront.Web.Identity;
using Storefront.Web.Infrastructure;
using Storefront.Web.Seeding;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddStorefrontInfrastructure(builder.Configuration);
builder.Services.AddStorefrontIdentity();
builder.Services.AddInventoryModule(builder.Configuration);
builder.Services.AddCatalogModule(builder.Configuration);
builder.Services.AddScoped<CatalogSeeder>();
builder.Services.AddRazorPages(o => o.Conventions.AuthorizeAreaFolder("Admin", "/", Roles.AdminPolicy));

var app = builder.Build();

if (await app.TryRunCommandAsync(args)) return;
await app.PrepareAsync();
app.Services.UseInventoryJobs();
app.Services.UseCatalogJobs();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
    app.UseHsts();
}
app.UseStatusCodePagesWithReExecute("/error/{0}");
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();

app.MapStorefrontInfrastructure();
app.MapMedia();
app.MapRazorPages();

app.Run();
