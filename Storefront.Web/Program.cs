using FluentValidation;
using Storefront.Cart.Contracts;
using Storefront.Catalog;
using Storefront.Checkout.Contracts;
using Storefront.FlashSale;
using Storefront.Inventory;
using Storefront.Recommendations.Contracts;
using Storefront.Search.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Caching;
using Storefront.Web.Infrastructure;
using Storefront.Web.Seeding;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddStorefrontInfrastructure(builder.Configuration);
// Numbers for an operator's Prometheus at /metrics (Storefront.Web.Infrastructure.Metrics).
builder.Services.AddStorefrontMetrics(builder.Configuration);
builder.Services.AddStorefrontWebSecurity(builder.Configuration, builder.Environment);
builder.Services.AddStorefrontIdentity();
builder.Services.AddInventoryModule(builder.Configuration);
builder.Services.AddCatalogModule(builder.Configuration);
builder.Services.AddCartModule(builder.Configuration);
builder.Services.AddCheckoutModule(builder.Configuration);
builder.Services.AddOrderEmails();
builder.Services.AddMerchantNotices(builder.Configuration);
builder.Services.AddStockAlertEmails();
builder.Services.AddSearchModule(builder.Configuration);
builder.Services.AddFlashSaleModule(builder.Configuration);
builder.Services.AddRecommendationsModule(builder.Configuration);
builder.Services.AddScoped<CatalogSeeder>();
builder.Services.AddSingleton<DemoPictures>();
builder.Services.AddScoped<OrderHistorySeeder>();
builder.Services.AddStorefrontRateLimits();
builder.Services.AddProblemDetails();
// Sale answers that are the same for everyone are kept for a few seconds (Storefront.Web.Shopping.SaleCache).
// The storefront pages are cached and shared (Storefront.Web.Caching), evicted by the changes they show.
builder.Services.AddOutputCache(o => o.AddPolicy(SaleCache.Policy, new SaleCache()));
builder.Services.AddPageCache(builder.Configuration);
Storefront.Web.Seo.SeoEndpoints.AddSeo(builder.Services);
// CSS, JavaScript and SVG compressed on the way out; shared pages are compressed once when cached
// (Caching/PageCompression), and pages for one visitor not at all (BREACH).
builder.Services.AddResponseCompression(o =>
{
    o.EnableForHttps = true;
    o.MimeTypes = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"];
    o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
    o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
});
builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
// Words for what the modules report (Storefront.Web/Resources/Words): modules return codes, never sentences.
builder.Services.AddOutcomeText();
builder.Services.AddRazorPages(o => o.Conventions.AuthorizeStaffPages().AddStorefrontRateLimits())
    .AddMvcOptions(o => o.Filters.Add(new Storefront.Web.Infrastructure.UnknownPageHandlers()));
// The pages' form validators (Storefront.Web.Forms); handlers run them explicitly.
builder.Services.AddValidatorsFromAssemblyContaining<Program>();

var app = builder.Build();

if (await app.TryRunCommandAsync(args)) return;
await app.PrepareAsync();
app.Services.UseInventoryJobs();
app.Services.UseCatalogJobs();
app.Services.UseCartJobs();
app.Services.UseCheckoutJobs();
app.Services.UseSearchJobs();
app.Services.UseFlashSaleJobs();
app.Services.UseRecommendationsJobs();
app.Services.UseMerchantNoticeJobs();

app.UseStorefrontWebSecurity();
app.UseSecurityHeaders(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Storefront.Catalog.Contracts.ImageStoreOptions>>().Value.PictureOrigin);
// The scrape, for the addresses allowed to read it (after the forwarded headers are read).
app.UseStorefrontMetrics();
// The flood after a flash sale sells out: its status answered from memory before anything else runs.
app.UseSoldOutSaleStatus();
// JSON endpoints answer with RFC 7807 problems; pages get the friendly error page.
app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
// Requests no client of ours sends (a NUL in the address, an unreadable or oversized form): 4xx, said so.
app.UseMalformedRequestGuard();
// PostgreSQL or Redis away: a 503 with Retry-After (inside the status-code pages, so pages get the friendly one).
app.UseDependencyOutages();
// A form or script of another site cannot change a cart, an account or an order (before any handler runs).
app.UseCrossSiteRequestRefusal();
app.UseResponseCompression();
// A file asked for with its content's hash (asp-append-version adds ?v=…) never changes under that
// address: browsers keep it a year without asking again. Other files are checked after an hour.
app.UseStaticFiles(new StaticFileOptions
{
    OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = file.Context.Request.Query.ContainsKey("v")
        ? "public, max-age=31536000, immutable"
        : "public, max-age=3600",
});
app.UseRouting();
app.UseStorefrontRateLimits();
// After authentication: whether a results page is personal depends on who is signed in.
app.UseAuthentication();
app.UseAuthorization();
app.UseOutputCache();
app.UsePageCacheHeaders();

app.MapStorefrontInfrastructure();
app.MapMedia();
Storefront.Web.Seo.SeoEndpoints.MapSeo(app);
app.MapCartApi();
app.MapVisitorApi();
app.MapStripeWebhook();
app.MapSearchApi();
app.MapSaleApi();
app.MapRazorPages();

app.Run();
