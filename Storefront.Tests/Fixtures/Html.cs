using AngleSharp;
using AngleSharp.Dom;

namespace Storefront.Tests.Fixtures;

public static class Repository
{
    /// <summary>The folder holding Storefront.slnx, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Storefront.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}

public static class Html
{
    public static async Task<IDocument> ParseAsync(string html)
    {
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(r => r.Content(html));
    }

    public static async Task<IDocument> GetDocumentAsync(this HttpClient client, string url) =>
        await ParseAsync(await client.GetStringAsync(url));

    public static string AntiforgeryToken(string html)
    {
        const string marker = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException("The page has no antiforgery token.");
        start += marker.Length;
        return html[start..html.IndexOf('"', start)];
    }
}
