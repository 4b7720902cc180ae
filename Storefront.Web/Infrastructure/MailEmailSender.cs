using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;

namespace Storefront.Web.Infrastructure;

public sealed class EmailOptions
{
    public string From { get; set; } = "Storefront <no-reply@storefront.test>";

    /// <summary>Folder that receives each e-mail as an .eml file; used when no SMTP host is set.
    /// Relative paths are under Storefront:DataPath. Default: "mail".</summary>
    public string PickupDirectory { get; set; } = "mail";

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public bool EnableSsl { get; set; } = true;
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
}

/// <summary>
/// Sends e-mail with System.Net.Mail: to an SMTP server when Email:Smtp:Host is set, otherwise as
/// .eml files into a pickup folder (the development default, readable by any mail client).
/// </summary>
internal sealed partial class MailEmailSender(IOptions<EmailOptions> options, IOptions<StorefrontOptions> storefront, ILogger<MailEmailSender> logger)
    : IEmailSender
{
    public string PickupDirectory
    {
        get
        {
            var folder = options.Value.PickupDirectory;
            return Path.GetFullPath(Path.IsPathRooted(folder) ? folder : Path.Combine(storefront.Value.DataPath, folder));
        }
    }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var mail = new MailMessage
        {
            From = new MailAddress(options.Value.From),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.TextBody,
            BodyEncoding = Encoding.UTF8,
            // Quoted-printable keeps the .eml files of the pickup folder readable as text.
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        mail.To.Add(new MailAddress(message.To));
        if (message.HtmlBody is not null)
            mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, "text/html"));

        var smtp = options.Value.Smtp;
        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            Directory.CreateDirectory(PickupDirectory);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = PickupDirectory;
        }
        else
        {
            (client.Host, client.Port, client.EnableSsl) = (smtp.Host, smtp.Port, smtp.EnableSsl);
            if (!string.IsNullOrEmpty(smtp.UserName)) client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }
        await client.SendMailAsync(mail, cancellationToken);
        LogSent(message.Subject, RecipientId(message.To), string.IsNullOrWhiteSpace(smtp.Host) ? PickupDirectory : smtp.Host);
    }

    /// <summary>
    /// A stable stand-in for an address in logs: the same shopper's mails can be followed through
    /// the logs without the logs holding (or leaking) customers' addresses.
    /// </summary>
    public static string RecipientId(string address)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToUpperInvariant()));
        return "rcpt-" + Convert.ToHexStringLower(hash, 0, 6);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail \"{Subject}\" to {Recipient} sent via {Route}")]
    private partial void LogSent(string subject, string recipient, string route);
}
