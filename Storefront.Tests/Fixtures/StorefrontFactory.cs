using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Storefront.Tests.Fixtures;

/// <summary>The real host, pointed at a test database and the test Redis.</summary>
public sealed class StorefrontFactory(string postgres, string redis, IReadOnlyDictionary<string, string?>? settings = null,
    Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "sf-data-" + Guid.NewGuid().ToString("N")[..8]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Postgres", postgres);
        builder.UseSetting("ConnectionStrings:Redis", redis);
        builder.UseSetting("Storefront:SeedDemoCatalogOnStartup", "false");
        builder.UseSetting("Storefront:DataPath", DataPath);
        builder.UseSetting("Storefront:Images:Path", Path.Combine(DataPath, "images"));
        builder.UseSetting("Hangfire:ServerEnabled", "false");
        builder.UseSetting("Events:PollInterval", "00:00:00.050");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The suite drives the store from one in-process client with no client address, much faster
        // than a person: real limits would stop it. Rate-limit tests set their own low limits.
        foreach (var policy in Storefront.Web.Infrastructure.RateLimits.Names) builder.UseSetting($"RateLimits:{policy}:PermitLimit", "1000000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureServices(services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // A background writer of the stopped host (a search index build winding down) can still be
        // closing a file: try again briefly rather than fail the test class over a temporary folder.
        for (var attempt = 1; Directory.Exists(DataPath); attempt++)
        {
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
            catch (IOException)
            {
                return;
            }
        }
    }
}
