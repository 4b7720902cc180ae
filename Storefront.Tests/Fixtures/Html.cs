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

    /// <summary>The page as a document; a failed request throws with the start of what the server said.</summary>
    public static async Task<IDocument> GetDocumentAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 3000)]}", null, response.StatusCode);
        return await ParseAsync(body);
    }

    /// <summary>
    /// The page's antiforgery token, or an empty one for a page that carries none: the cached
    /// storefront pages (product, category, search) post to handlers that take no token.
    /// </summary>
    public static string AntiforgeryToken(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html,
            "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"");
        if (!match.Success) return "";
        return match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
    }
}
