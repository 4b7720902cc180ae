using System.Diagnostics;

namespace Storefront.Tests.Deployment;

public sealed class DeploymentFilesTests
{
    [Fact]
    public async Task Docker_compose_file_is_valid_and_runs_the_app_with_postgres_and_redis()
    {
        var start = new ProcessStartInfo("docker-compose", "-f docker-compose.yml config")
        {
            WorkingDirectory = Fixtures.Repository.Root(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        foreach (var service in new[] { "app:", "postgres:", "redis:", "elasticsearch:" }) Assert.Contains(service, output);
        Assert.Contains("ConnectionStrings__Postgres", output);
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
