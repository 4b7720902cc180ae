namespace Storefront.BuildingBlocks.Email;

/// <summary>An e-mail to one recipient, with a plain-text body and an optional HTML one.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>Sends e-mail: through SMTP in production, into a folder of .eml files while developing.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
