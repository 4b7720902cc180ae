using Storefront.Catalog.Content;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Catalog;

/// <summary>A store page's Markdown shown on the store's own domain: nothing in it can run, and only ordinary links survive.</summary>
public sealed class StorePageTextTests
{
    private static async Task<AngleSharp.Dom.IDocument> RenderAsync(string markdown) => await Html.ParseAsync(StorePageText.ToHtml(markdown));

    [Fact]
    public async Task Raw_html_is_shown_as_text_not_run()
    {
        var page = await RenderAsync("Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<form action=\"https://evil.example\"><input name=card></form>");
        Assert.Empty(page.QuerySelectorAll("script, img, form, input"));
        Assert.Contains("<script>alert(1)</script>", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Click](javascript:alert(1))")]
    [InlineData("[Click](JavaScript:alert(1))")]
    [InlineData("[Click](java%09script:alert(1))")]
    [InlineData("[Click](<java\tscript:alert(1)>)")]
    [InlineData("[Click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[Click](vbscript:msgbox)")]
    [InlineData("[Click][x]\n\n[x]: javascript:alert(1)")]
    public async Task A_link_that_could_run_code_keeps_its_words_and_loses_its_address(string markdown)
    {
        var page = await RenderAsync(markdown);
        Assert.All(page.QuerySelectorAll("a"), a => Assert.DoesNotContain("script", a.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.All(page.QuerySelectorAll("a"), a => Assert.DoesNotContain("data:", a.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Click", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_autolink_with_a_script_scheme_is_plain_text()
    {
        var page = await RenderAsync("<javascript:alert(1)> and <https://shop.example/help>");
        var link = Assert.Single(page.QuerySelectorAll("a"));
        Assert.Equal("https://shop.example/help", link.GetAttribute("href"));
        Assert.Contains("javascript:alert(1)", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_mail_phone_and_relative_links_are_kept()
    {
        var page = await RenderAsync("[a](https://carrier.example/track) [b](mailto:hello@shop.example) [c](tel:+15550100) [d](/pages/terms) [e](#returns) www.example.com");
        Assert.Equal(["https://carrier.example/track", "mailto:hello@shop.example", "tel:+15550100", "/pages/terms", "#returns", "http://www.example.com"],
            page.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Only_the_stores_own_pictures_are_shown_others_become_their_description()
    {
        var page = await RenderAsync("![Our shop front](/images/shop.jpg) ![Tracking pixel](https://tracker.example/p.gif) ![Sneaky](//tracker.example/p.gif)");
        var picture = Assert.Single(page.QuerySelectorAll("img"));
        Assert.Equal("/images/shop.jpg", picture.GetAttribute("src"));
        Assert.Contains("Tracking pixel", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Sneaky", page.Body.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headings_sit_under_the_pages_title_tables_work_and_each_line_break_is_kept()
    {
        var page = await RenderAsync("# Returns\n\n## Labels\n\n###### Deep\n\n| Method | Days |\n| --- | --- |\n| Standard | 3–5 |\n\nDemo Ltd\n1 Example Street");
        Assert.Empty(page.QuerySelectorAll("h1"));
        Assert.Equal(["H2", "H3", "H6"], page.QuerySelectorAll("h2, h3, h4, h5, h6").Select(h => h.TagName));
        Assert.Equal(["Standard", "3–5"], page.QuerySelectorAll("tbody td").Select(td => td.TextContent));
        Assert.NotNull(page.QuerySelector("p br"));
    }

    [Fact]
    public async Task Text_that_starts_its_sections_at_two_hashes_gets_h2s_with_no_level_skipped_under_the_title()
    {
        var page = await RenderAsync("## Delivery\n\n### Abroad\n\n## Returns");
        Assert.Equal(["H2", "H3", "H2"], page.QuerySelectorAll("h2, h3, h4").Select(h => h.TagName));
    }
}
