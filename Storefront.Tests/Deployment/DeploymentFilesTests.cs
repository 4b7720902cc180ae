using System.Diagnostics;

namespace Storefront.Tests.Deployment;

public sealed class DeploymentFilesTests
{
    private static async Task<(int ExitCode, string Output, string Errors)> ComposeConfigAsync(string? postgresPassword)
    {
        var start = new ProcessStartInfo("docker-compose", "-f docker-compose.yml config")
        {
            WorkingDirectory = Fixtures.Repository.Root(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Only what the test gives: a password in the caller's environment must not hide a default.
        start.Environment.Remove("POSTGRES_PASSWORD");
        if (postgresPassword is not null) start.Environment["POSTGRES_PASSWORD"] = postgresPassword;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output, errors);
    }

    [Fact]
    public async Task Docker_compose_file_is_valid_and_runs_the_app_with_postgres_and_redis()
    {
        var (exitCode, output, errors) = await ComposeConfigAsync("a-long-random-secret");
        Assert.True(exitCode == 0, errors);
        foreach (var service in new[] { "app:", "postgres:", "redis:", "elasticsearch:" }) Assert.Contains(service, output);
        Assert.Contains("ConnectionStrings__Postgres", output);
        Assert.Contains("Password=a-long-random-secret", output);
    }

    [Fact]
    public async Task Docker_compose_refuses_to_start_without_a_database_password()
    {
        var (exitCode, _, errors) = await ComposeConfigAsync(postgresPassword: null);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("set POSTGRES_PASSWORD", errors);
    }

    [Fact]
    public void Dockerfile_is_multi_stage_and_runs_as_a_non_root_user()
    {
        var lines = File.ReadAllLines(Path.Combine(Fixtures.Repository.Root(), "Dockerfile"));
        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2);
        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.NotEqual("USER root", user.Trim());
    }
}
