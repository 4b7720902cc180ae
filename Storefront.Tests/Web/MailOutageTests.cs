using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Storefront.Tests.Fixtures;
using Storefront.Web.Identity;

namespace Storefront.Tests.Web;

/// <summary>The store with a real SMTP server (a local stand-in) that can be away.</summary>
public sealed class MailOutageFixture : StoreFixture
{
    public SmtpStandIn Smtp { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:EnableSsl"] = "false",
    };

    public override async Task DisposeAsync()
    {
        await Smtp.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Account e-mails when the mail server is away: the pages answer as they always do (never a 500,
/// never a half-made account the shopper is not told about), and the mail is queued and sent, with a
/// fresh link that works, once the server is back.
/// </summary>
public sealed class MailOutageTests(MailOutageFixture store) : IClassFixture<MailOutageFixture>
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Html.AntiforgeryToken(await client.GetStringAsync(page));
        return await client.PostAsync(page, new FormUrlEncodedContent(fields));
    }

    /// <summary>The account mails waiting in Hangfire's queue for this user (the test host runs no Hangfire server).</summary>
    private List<Hangfire.Common.Job> QueuedFor(string userId) =>
        store.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 500)
            .Select(j => j.Value.Job).Where(j => j?.Type == typeof(AccountMailJob) && (string)j.Args[1] == userId).ToList()!;

    /// <summary>Runs a queued job as Hangfire would: its method with its stored arguments, in a scope of its own.</summary>
    private async Task RunAsync(Hangfire.Common.Job job)
    {
        using var scope = store.Services.CreateScope();
        await (Task)job.Method.Invoke(scope.ServiceProvider.GetRequiredService<AccountMailJob>(), [.. job.Args.Take(3), CancellationToken.None])!;
    }

    private async Task<StoreUser> UserAsync(string email)
    {
        using var scope = store.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StoreUser>>().FindByEmailAsync(email))!;
    }

    [Fact]
    public async Task Registering_while_the_mail_server_is_away_answers_as_usual_and_the_confirmation_arrives_when_it_is_back()
    {
        await store.Smtp.StopAsync();
        var email = $"away-{Guid.NewGuid():N}@example.test";
        var client = store.Client();
        var answer = await PostFormAsync(client, "/account/register", new()
        {
            ["Input.DisplayName"] = "Ada", ["Input.Email"] = email, ["Input.Password"] = "Correct-horse-9", ["Input.ConfirmPassword"] = "Correct-horse-9",
        });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("/account/check-inbox", answer.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain(store.Smtp.Messages, m => m.Contains(email, StringComparison.OrdinalIgnoreCase));
        var user = await UserAsync(email);
        var queued = Assert.Single(QueuedFor(user.Id));
        Assert.Equal(AccountMail.Confirmation, queued.Args[0]);
        Assert.DoesNotContain(queued.Args, a => a is string s && s.Contains("token", StringComparison.OrdinalIgnoreCase)); // no link kept in the job

        // Still away: the job fails, so Hangfire will try again.
        await Assert.ThrowsAnyAsync<System.Net.Mail.SmtpException>(() => RunAsync(queued));

        store.Smtp.Start();
        await RunAsync(queued);
        var link = store.Smtp.LinkTo(email);
        Assert.NotNull(link);
        Assert.Contains("/account/confirm-email?", link, StringComparison.Ordinal);
        var confirm = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var page = await Html.ParseAsync(await confirm.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector("input[name=Password]"));
    }

    [Fact]
    public async Task A_password_reset_asked_for_while_the_mail_server_is_away_is_answered_as_usual_and_sent_later()
    {
        store.Smtp.Start();
        var email = $"reset-{Guid.NewGuid():N}@example.test";
        var client = store.Client();
        await PostFormAsync(client, "/account/register", new()
        {
            ["Input.DisplayName"] = "Grace", ["Input.Email"] = email, ["Input.Password"] = "Correct-horse-9", ["Input.ConfirmPassword"] = "Correct-horse-9",
        });
        // With the server up, the mail goes at once and nothing is queued.
        Assert.Contains("/account/confirm-email?", store.Smtp.LinkTo(email), StringComparison.Ordinal);
        var user = await UserAsync(email);
        Assert.Empty(QueuedFor(user.Id));

        await store.Smtp.StopAsync();
        var answer = await PostFormAsync(client, "/account/forgot-password", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await Html.ParseAsync(await answer.Content.ReadAsStringAsync());
        Assert.StartsWith("If an account exists for that address", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        var queued = Assert.Single(QueuedFor(user.Id));
        Assert.Equal(AccountMail.PasswordReset, queued.Args[0]);

        store.Smtp.Start();
        await RunAsync(queued);
        var link = store.Smtp.LinkTo(email)!;
        Assert.Contains("/account/reset-password?", link, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(link).PathAndQuery)).StatusCode);
        await store.Smtp.StopAsync();
    }
}
