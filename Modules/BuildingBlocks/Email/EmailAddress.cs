using System.Net.Mail;

namespace Storefront.BuildingBlocks.Email;

/// <summary>
/// What the store accepts as a deliverable e-mail address: one mailbox, a local part of at most 64
/// characters, and a domain of dotted DNS labels with a top-level name of letters (so "x@", "x@y",
/// "x@.com" and "Name &lt;x@y.com&gt;" are refused before anything is written or sent).
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    public static bool IsDeliverable(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        var text = value.Trim();
        if (text.Length > MaxLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) return false;
        if (!MailAddress.TryCreate(text, out var parsed) || parsed.Address != text || !string.IsNullOrEmpty(parsed.DisplayName)) return false;
        var at = text.LastIndexOf('@');
        var (local, domain) = (text[..at], text[(at + 1)..]);
        if (local.Length is 0 or > 64 || domain.Length > 253) return false;
        var labels = domain.Split('.');
        if (labels.Length < 2) return false;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c > 127)) return false;
        }
        return labels[^1].Length >= 2 && labels[^1].All(c => char.IsAsciiLetter(c) || c > 127)
            || labels[^1].StartsWith("xn--", StringComparison.OrdinalIgnoreCase);
    }
}
