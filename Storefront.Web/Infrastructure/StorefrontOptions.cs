namespace Storefront.Web.Infrastructure;

public sealed class StorefrontOptions
{
    public string DataPath { get; set; } = ".data";
    public bool MigrateOnStartup { get; set; } = true;
    public bool SeedDemoCatalogOnStartup { get; set; } = true;
    public int DemoProducts { get; set; } = 2400;

    /// <summary>How many generated orders the demo store starts with (its recommendations come from them); 0 for none.</summary>
    public int DemoOrders { get; set; } = 30_000;
    public AdminAccountOptions Admin { get; set; } = new();
}

public sealed class AdminAccountOptions
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
}
