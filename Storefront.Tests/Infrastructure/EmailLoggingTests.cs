using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Storefront.BuildingBlocks.Email;
using Storefront.Tests.Fixtures;
using Storefront.Web.Infrastructure;

namespace Storefront.Tests.Infrastructure;

public sealed class LoggedStoreFixture : StoreFixture
{
    public LogCollector Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class EmailLoggingTests(LoggedStoreFixture store) : IClassFixture<LoggedStoreFixture>
{
    [Fact]
    public async Task A_sent_email_is_logged_by_a_recipient_identifier_never_by_the_address()
    {
        var address = $"Private.Person-{Guid.NewGuid():N}@example.test";
        await store.Services.GetRequiredService<IEmailSender>()
            .SendAsync(new EmailMessage(address, "Your order SF-1", "Thank you."), default);

        var sent = Assert.Single(store.Logs.Lines, l => l.Contains("Your order SF-1", StringComparison.Ordinal));
        Assert.Contains(MailEmailSender.RecipientId(address), sent, StringComparison.Ordinal);
        Assert.Equal(MailEmailSender.RecipientId(address), MailEmailSender.RecipientId(" " + address.ToLowerInvariant()));
        var local = address.Split('@')[0];
        Assert.DoesNotContain(store.Logs.Lines, l => l.Contains(local, StringComparison.OrdinalIgnoreCase));
    }
}
