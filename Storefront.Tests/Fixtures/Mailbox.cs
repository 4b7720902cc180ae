using System.Text;
using System.Text.RegularExpressions;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// The e-mails a store under test wrote as .eml files (its pickup folder, <c>DataPath/mail</c>),
/// decoded, oldest first.
/// </summary>
public static partial class Mailbox
{
    /// <summary>Every e-mail sent to <paramref name="email"/> so far, decoded, oldest first.</summary>
    public static IReadOnlyList<string> For(StoreFixture store, string email)
    {
        var folder = Path.Combine(store.Factory.DataPath, "mail");
        if (!Directory.Exists(folder)) return [];
        return new DirectoryInfo(folder).GetFiles("*.eml").OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => DecodeQuotedPrintable(File.ReadAllText(f.FullName)))
            .Where(m => ToHeader(m).Contains(email, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>The e-mails to <paramref name="email"/> whose subject contains <paramref name="subject"/>.</summary>
    public static IReadOnlyList<string> For(StoreFixture store, string email, string subject) =>
        For(store, email).Where(m => SubjectOf(m).Contains(subject, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The newest link to <paramref name="path"/> in the e-mails to <paramref name="email"/>, waiting
    /// a little for the e-mail to be written.
    /// </summary>
    public static async Task<Uri> LinkAsync(StoreFixture store, string email, string path)
    {
        var pattern = new Regex(@"https?://[^\s/]+" + Regex.Escape(path) + @"(\?[^\s]*)?(?=\s|$)");
        for (var i = 0; i < 50; i++)
        {
            var link = For(store, email).Reverse().Select(m => pattern.Match(m)).FirstOrDefault(m => m.Success);
            if (link is not null) return new Uri(link.Value);
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"No e-mail to {email} with a link to {path}: {(For(store, email) is [.., var last] ? last : "none at all")}");
    }

    /// <summary>
    /// Opens a confirmation link with <paramref name="client"/> and finishes it with the account's
    /// password, as the shopper does; returns the answer (after redirects).
    /// </summary>
    public static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, Uri link, string password)
    {
        var page = await Html.ParseAsync(await client.GetStringAsync(link.PathAndQuery));
        var form = page.QuerySelectorAll("main form input[type=hidden]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        if (!form.ContainsKey("__RequestVerificationToken")) throw new InvalidOperationException("The confirmation page shows no form: " + page.QuerySelector("main")?.TextContent);
        form["Password"] = password;
        return await client.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(form));
    }

    /// <summary>Finds the newest confirmation link to <paramref name="email"/> and finishes it with the password.</summary>
    public static async Task<HttpResponseMessage> ConfirmAsync(StoreFixture store, HttpClient client, string email, string password) =>
        await ConfirmAsync(client, await LinkAsync(store, email, "/account/confirm-email"), password);

    private static string ToHeader(string mail) => HeaderLine().Match(mail) is { Success: true } m ? m.Groups[1].Value : "";

    private static string SubjectOf(string mail)
    {
        var raw = SubjectLine().Match(mail) is { Success: true } m ? m.Groups[1].Value : "";
        // Non-ASCII subjects are RFC 2047 encoded words (=?utf-8?B?...?=).
        return EncodedWord().Replace(raw, w => w.Groups[1].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(w.Groups[2].Value))
            : DecodeQuotedPrintable(w.Groups[2].Value.Replace('_', ' ')));
    }

    private static string DecodeQuotedPrintable(string text)
    {
        text = text.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"^To: (.*)$", RegexOptions.Multiline)]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^Subject: (.*(?:\r?\n[ \t].*)*)", RegexOptions.Multiline)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"=\?[^?]+\?([BQbq])\?([^?]*)\?=\s*")]
    private static partial Regex EncodedWord();
}
