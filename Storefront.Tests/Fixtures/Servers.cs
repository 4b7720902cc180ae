using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL server for the test run, started from the machine's binaries in a temporary
/// folder on a free port, or the server named by STOREFRONT_TEST_POSTGRES (a superuser connection string).
/// The folder is made under STOREFRONT_TEST_ROOT when set: <c>./storefront test</c> owns that folder
/// and stops every server found in it when it ends, however the test host ended.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _dataDir;
    private readonly string? _binDir;
    private readonly bool _asPostgresUser;

    public string AdminConnectionString { get; }

    private PostgresServer(string adminConnectionString, string? dataDir, string? binDir, bool asPostgresUser)
    {
        AdminConnectionString = adminConnectionString;
        _dataDir = dataDir;
        _binDir = binDir;
        _asPostgresUser = asPostgresUser;
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, MaxPoolSize = 40 }.ConnectionString;

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("STOREFRONT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external)) return new PostgresServer(external, null, null, false);

        var binDir = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL binaries not found: run ./storefront test, which installs them.");
        var asPostgres = Environment.UserName == "root";
        await SweepStaleFoldersAsync(binDir, asPostgres);
        var root = Path.Combine(RunRoot(), "sf-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(root, "data");
        // Which test process owns this server: a later run stops it if that process died without doing
        // so. The folder appears with its owner file already in it, so no sweep sees it ownerless.
        var staging = Path.Combine(Path.GetDirectoryName(root)!, "sf-new-" + Path.GetFileName(root));
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.Move(staging, root);
        var user = asPostgres ? "postgres" : Environment.UserName;
        if (asPostgres) await RunAsync("chown", ["postgres", root]);
        var port = FreePort();
        await RunAsync(Path.Combine(binDir, "initdb"), ["-D", data, "-U", user, "--auth=trust", "--no-sync", "-E", "UTF8"], asPostgres);
        await RunAsync(Path.Combine(binDir, "pg_ctl"), StartArguments(data, port), asPostgres);
        var cs = $"Host=127.0.0.1;Port={port};Username={user};Database=postgres;Include Error Detail=true";
        return new PostgresServer(cs, data, binDir, asPostgres);
    }

    private static string[] StartArguments(string data, int port)
    {
        var root = Path.GetDirectoryName(data)!;
        return ["-D", data, "-w", "-l", Path.Combine(root, "log"), "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 -c shared_buffers=256MB",
            "start"];
    }

    /// <summary>Stops the server as an outage would (open connections are cut); only for a server of a test's own.</summary>
    public Task StopAsync() => _dataDir is null || _binDir is null
        ? throw new InvalidOperationException("Only a private server can be stopped.")
        : RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", _dataDir, "-w", "-m", "fast", "stop"], _asPostgresUser);

    /// <summary>Starts a stopped server again, on the same port with the same data.</summary>
    public Task StartAgainAsync() => _dataDir is null || _binDir is null
        ? throw new InvalidOperationException("Only a private server can be restarted.")
        : RunAsync(Path.Combine(_binDir, "pg_ctl"), StartArguments(_dataDir, new NpgsqlConnectionStringBuilder(AdminConnectionString).Port), _asPostgresUser);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is null || _binDir is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "stop"], _asPostgresUser);
            Directory.Delete(Path.GetDirectoryName(_dataDir)!, recursive: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // The run is ending; whatever is left is swept by the next run.
        }
    }

    private const string OwnerFile = "owner.pid";

    /// <summary>Where the servers' folders go: the folder the test command owns, or the temporary folder.</summary>
    internal static string RunRoot() =>
        Environment.GetEnvironmentVariable("STOREFRONT_TEST_ROOT") is { Length: > 0 } root && Directory.Exists(root) ? root : Path.GetTempPath();

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>
    /// Stops the servers of earlier runs whose test process is gone (a killed test host cannot clean
    /// up after itself) and removes their folders. A folder whose owner still runs is another run's.
    /// </summary>
    private static async Task SweepStaleFoldersAsync(string binDir, bool asPostgres)
    {
        foreach (var folder in new[] { RunRoot(), Path.GetTempPath() }.Distinct().SelectMany(r => Directory.EnumerateDirectories(r, "sf-pg-*")))
        {
            var pidFile = Path.Combine(folder, "data", "postmaster.pid");
            var ownerFile = Path.Combine(folder, OwnerFile);
            try
            {
                // A folder whose test process still runs is another run's, even before its server has
                // started (two test runs on one machine: one must not delete the other's initdb).
                if (File.Exists(ownerFile) && int.TryParse(await File.ReadAllTextAsync(ownerFile), out var owner) && IsRunning(owner)) continue;
                var serverRuns = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && IsRunning(pid);
                if (serverRuns)
                {
                    // Without an owner file the folder predates owner tracking: not ours to judge.
                    if (!File.Exists(ownerFile)) continue;
                    await RunAsync(Path.Combine(binDir, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-m", "immediate", "stop"], asPostgres);
                }
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another run's folder, still in use: leave it.
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunAsync(string file, string[] args, bool asPostgres = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr} {await stdout}");
    }
}

/// <summary>A private redis-server for the test run, or the one named by STOREFRONT_TEST_REDIS.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;
    private readonly int _port;
    private readonly string? _folder;

    public string ConnectionString { get; }

    private RedisServer(string connectionString, Process? process, int port, string? folder = null)
    {
        ConnectionString = connectionString;
        _process = process;
        _port = port;
        _folder = folder;
    }

    public static async Task<RedisServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("STOREFRONT_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external)) return new RedisServer(external, null, 0);
        var port = PostgresServer.FreePort();
        // A folder with a pid file, so that ./storefront test can stop this server if the test host is killed.
        var folder = Path.Combine(PostgresServer.RunRoot(), "sf-redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return new RedisServer($"127.0.0.1:{port}", await LaunchAsync(port, folder), port, folder);
    }

    private static async Task<Process> LaunchAsync(int port, string folder)
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--databases", "256",
                                  "--dir", folder, "--pidfile", Path.Combine(folder, "redis.pid") })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start: run ./storefront test, which installs it.");
        _ = process.StandardOutput.ReadToEndAsync();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return process;
    }

    /// <summary>Stops the server as an outage would (its data is gone with it); only for a server of a test's own.</summary>
    public Task StopAsync()
    {
        if (_process is null) throw new InvalidOperationException("Only a private server can be stopped.");
        Kill();
        return Task.CompletedTask;
    }

    /// <summary>Starts a stopped server again on the same port, empty, as a restart without persistence leaves it.</summary>
    public async Task StartAgainAsync()
    {
        if (_port == 0 || _folder is null) throw new InvalidOperationException("Only a private server can be restarted.");
        _process = await LaunchAsync(_port, _folder);
    }

    private void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The run is ending; ./storefront test removes its whole folder.
        }
        return ValueTask.CompletedTask;
    }
}
