using System.Diagnostics;
using Npgsql;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Deployment;

/// <summary>
/// The operator's backup and restore (<c>./storefront backup</c> / <c>restore</c>), as a drill: a
/// store's database and data folder are backed up, restored into another database and folder, and
/// restored again over changes.
/// </summary>
public sealed class BackupRestoreTests(StoreFixture store) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("sf-backup-").FullName;
    private readonly string drill = $"drill_{Guid.NewGuid():N}"[..20];

    public async Task InitializeAsync()
    {
        await store.SeedDemoAsync(48);
        await ExecuteAsync(Admin(), $"CREATE DATABASE {drill}");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(Admin(), $"DROP DATABASE IF EXISTS {drill} WITH (FORCE)");
        Directory.Delete(folder, recursive: true);
    }

    private string Admin() => new NpgsqlConnectionStringBuilder(store.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private string Drill() => new NpgsqlConnectionStringBuilder(store.ConnectionString) { Database = drill, Pooling = false }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // the test's own statements
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private async Task<(int ExitCode, string Output)> StorefrontAsync(string connectionString, string dataPath, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", ["storefront", .. arguments])
        {
            WorkingDirectory = Repository.Root(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["ConnectionStrings__Redis"] = store.RedisConnectionString;
        start.Environment["Storefront__DataPath"] = dataPath;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    private const string Fingerprint = """
        SELECT (SELECT count(*) FROM catalog.products) || '/' || (SELECT count(*) FROM inventory.stock_items) || '/' ||
               (SELECT count(*) FROM catalog.categories) || '/' || (SELECT coalesce(max(title), '') FROM catalog.products)
        """;

    [Fact]
    public async Task A_backup_restores_the_database_the_keys_and_the_pictures_elsewhere_and_again_over_changes()
    {
        var source = Path.Combine(folder, "source");
        Directory.CreateDirectory(Path.Combine(source, "keys"));
        Directory.CreateDirectory(Path.Combine(source, "images", "ab"));
        await File.WriteAllTextAsync(Path.Combine(source, "keys", "key-1.xml"), "<key id=\"1\" />");
        await File.WriteAllBytesAsync(Path.Combine(source, "images", "ab", "photo-800x800.webp"), [1, 2, 3]);
        var archive = Path.Combine(folder, "store.tar.gz");

        var backup = await StorefrontAsync(store.ConnectionString, source, "backup", archive);
        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.True(new FileInfo(archive).Length > 0);

        var target = Path.Combine(folder, "target");
        var restore = await StorefrontAsync(Drill(), target, "restore", archive);
        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.Contains("FLUSHDB", restore.Output, StringComparison.Ordinal);
        var expected = await ScalarAsync(store.ConnectionString, Fingerprint);
        Assert.StartsWith("48/", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await ScalarAsync(Drill(), Fingerprint));
        Assert.Equal("<key id=\"1\" />", await File.ReadAllTextAsync(Path.Combine(target, "keys", "key-1.xml")));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(target, "images", "ab", "photo-800x800.webp")));

        // Restored again over a changed store: the changes go, the backup's state comes back.
        await ExecuteAsync(Drill(), "UPDATE catalog.products SET title = 'changed'; DELETE FROM inventory.stock_items");
        Assert.NotEqual(expected, await ScalarAsync(Drill(), Fingerprint));
        Directory.Delete(Path.Combine(target, "keys"), recursive: true);
        var again = await StorefrontAsync(Drill(), target, "restore", archive);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(expected, await ScalarAsync(Drill(), Fingerprint));
        Assert.True(File.Exists(Path.Combine(target, "keys", "key-1.xml")));

        // Something that is not a backup changes nothing.
        var bogus = Path.Combine(folder, "bogus.tar.gz");
        await File.WriteAllBytesAsync(bogus, [0x1f, 0x8b, 0, 0]);
        await ExecuteAsync(Drill(), "UPDATE catalog.products SET title = 'kept'");
        var refused = await StorefrontAsync(Drill(), target, "restore", bogus);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("kept", await ScalarAsync(Drill(), "SELECT max(title) FROM catalog.products"));
    }
}
