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
        var match = System.Text.RegularExpressions.Regex.Match(html,
            "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"");
        if (!match.Success) throw new InvalidOperationException("The page has no antiforgery token.");
        return match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
    }
}
