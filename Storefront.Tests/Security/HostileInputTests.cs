using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Security;

public sealed class HostileInputFixture : StoreFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedDemoAsync(60);
        await DrainOutboxAsync();
        await BuildSearchIndexAsync();
    }
}

/// <summary>
/// Every public route and form, taken from the app's endpoint data sources (Razor pages with their
/// handlers and bound fields, minimal-API endpoints), is sent a corpus of hostile strings in each
/// route parameter and each query or form field. None may answer 5xx or change the store.
/// </summary>
public sealed class HostileInputTests(HostileInputFixture store) : IClassFixture<HostileInputFixture>
{
    /// <summary>A hostile value; <c>Raw</c> ones go into the address as written (percent-encoding oddities).</summary>
    public sealed record Hostile(string Value, bool Raw = false)
    {
        public string InUrl => Raw ? Value : Uri.EscapeDataString(Value);
    }

    public static readonly Hostile[] Corpus =
    [
        new(" "), new("   "), new("\t"), new("\u00A0"), new("\u3000"), new("\u200B"), new("\r\n"),
        new("\0"), new("\u0001\u001F\u007F"), new("\u202Eevil\u202C"), new("\u200F\u061C"), new("\uFEFF"),
        new("👩‍👩‍👧‍👦🏳️‍🌈"), new("\uD800"), new(new string('a', 5000)), new(string.Concat(Enumerable.Repeat("é😀", 600))),
        new("<script>alert(1)</script>"), new("\"><img src=x onerror=alert(1)>"), new("{{7*7}}@(1+1)"),
        new("' OR '1'='1"), new("'; DROP TABLE catalog.products; --"), new("\\"), new("%"), new("_"),
        new("title:(a OR b)^9 AND NOT c~2"), new("*?~^[]{}\"!:-+&&||/"), new("a AND"), new("\""),
        new("%", Raw: true), new("%zz", Raw: true), new("%00", Raw: true), new("%2F..%2F..%2Fetc%2Fpasswd", Raw: true),
        new("%252F", Raw: true), new("%C0%AE", Raw: true), new("%FF%FE", Raw: true), new("..", Raw: true),
        new("99999999999999999999999999"), new("-2147483649"), new("2147483648"), new("1e309"), new("NaN"), new("-0"),
        new("79228162514264337593543950336"), new("00000000-0000-0000-0000-000000000000"),
    ];

    private sealed record Target(string Method, string Template, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> Fields, string? Handler);

    private sealed record Outcome(string Request, HttpStatusCode Status, string Body, bool HasFields = false);

    [Fact]
    public async Task Every_public_route_and_form_answers_hostile_input_without_a_server_error_and_changes_nothing()
    {
        var targets = await PublicTargetsAsync();
        Assert.Contains(targets, t => t.Template == "p/{slug}");
        Assert.Contains(targets, t => t.Method == "POST" && t.Template == "account/login");
        Assert.Contains(targets, t => t.Template.StartsWith("api/cart", StringComparison.Ordinal));

        var clients = new ConcurrentBag<(HttpClient Client, string Token)>();
        for (var i = 0; i < 8; i++)
        {
            var client = store.Client(followRedirects: false);
            clients.Add((client, Html.AntiforgeryToken(await client.GetStringAsync("/account/login"))));
        }
        var before = await SnapshotAsync();

        var outcomes = await SendEachAsync(clients, targets, Corpus);
        AssertNoServerErrors(outcomes);
        Assert.Equal(before, await SnapshotAsync());
        // A refused form says why: it is shown again with a message, or answered with a client error.
        // (A form without fields, such as signing out, has nothing to refuse.)
        // A ".." segment is resolved by the client to another page: it does not reach the form.
        // Forms that never say whether an account exists answer with the same status message.
        var silent = outcomes.Where(o => o.HasFields && o.Request.StartsWith("POST", StringComparison.Ordinal) && o.Status == HttpStatusCode.OK
                                         && !o.Request.Contains("/..", StringComparison.Ordinal) && !o.Body.Contains("role=\"status\"", StringComparison.Ordinal)
                                         && !o.Body.Contains("role=\"alert\"", StringComparison.Ordinal) && !o.Body.Contains("field-validation-error", StringComparison.Ordinal)
                                         && !o.Body.Contains("class=\"error\"", StringComparison.Ordinal))
            .Select(o => o.Request).ToList();
        Assert.True(silent.Count == 0, "Refused without a message:\n" + string.Join("\n", silent.Take(20)));
    }

    /// <summary>The hostile values a merchant's form is most likely to meet (a paste, a script, a number out of range).</summary>
    private static readonly Hostile[] MerchantCorpus =
    [
        new(" "), new("\0"), new("\u202Eevil\u202C"), new("\uD800"), new(new string('a', 5000)), new("<script>alert(1)</script>"),
        new("'; DROP TABLE catalog.products; --"), new("%00", Raw: true), new("%FF%FE", Raw: true), new("99999999999999999999999999"),
        new("-2147483649"), new("1e309"), new("NaN"), new("00000000-0000-0000-0000-000000000000"),
    ];

    [Fact]
    public async Task Every_merchant_page_and_form_answers_hostile_input_without_a_server_error()
    {
        var targets = await TargetsAsync(merchantArea: true);
        Assert.Contains(targets, t => t.Method == "POST" && t.Template.StartsWith("admin/products", StringComparison.Ordinal));
        Assert.Contains(targets, t => t.Method == "POST" && t.Template.StartsWith("admin/stock", StringComparison.Ordinal));
        var clients = new ConcurrentBag<(HttpClient Client, string Token)>();
        for (var i = 0; i < 4; i++)
        {
            var client = await store.AdminClientAsync();
            clients.Add((client, Html.AntiforgeryToken(await client.GetStringAsync("/admin/categories"))));
        }
        AssertNoServerErrors(await SendEachAsync(clients, targets, MerchantCorpus));
    }

    /// <summary>Every value of <paramref name="corpus"/> into every target, as many at once as there are clients (each with its token).</summary>
    private static async Task<List<Outcome>> SendEachAsync(ConcurrentBag<(HttpClient Client, string Token)> clients, List<Target> targets, Hostile[] corpus)
    {
        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(targets.SelectMany(t => corpus.Select(h => (Target: t, Hostile: h))), new ParallelOptions { MaxDegreeOfParallelism = clients.Count }, async (r, ct) =>
        {
            clients.TryTake(out var c);
            try
            {
                outcomes.Add(await SendAsync(c.Client, c.Token, r.Target, r.Hostile, ct));
            }
            finally
            {
                clients.Add(c);
            }
        });
        return [.. outcomes];
    }

    private static void AssertNoServerErrors(List<Outcome> outcomes)
    {
        var failures = outcomes.Where(o => (int)o.Status >= 500).Select(o => $"{(int)o.Status} {o.Request}: {o.Body[..Math.Min(o.Body.Length, 400)]}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {outcomes.Count} requests answered 5xx:\n" + string.Join("\n", failures.Take(60)));
    }

    [Fact]
    public async Task Forms_sent_to_a_handler_a_page_does_not_have_or_too_big_to_read_get_the_error_page_and_change_nothing()
    {
        var pages = (await PublicTargetsAsync()).Where(t => t.Handler is not null || t.Method == "GET")
            .Where(t => !t.Template.StartsWith("api/", StringComparison.Ordinal) && !t.Template.Contains('.', StringComparison.Ordinal))
            .Select(t => "/" + string.Join('/', t.Template.Split('/').Select(s => t.RouteParameters.Aggregate(s, (v, p) => v.Replace("{" + p + "}", "x", StringComparison.Ordinal)))))
            .Select(path => path.Replace("?", "", StringComparison.Ordinal).Replace("{code:int}", "404", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Contains("/cart", pages);
        var client = store.Client(followRedirects: false);
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/account/login"));
        var before = await SnapshotAsync();

        var wrong = new List<string>();
        async Task CheckAsync(HttpRequestMessage request, string what)
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500 || (status is >= 400 and < 500 && !body.Contains("<h1>", StringComparison.Ordinal)))
                wrong.Add($"{status} {what} {request.RequestUri}");
        }
        FormUrlEncodedContent Form() => new([new("a", "1"), new("__RequestVerificationToken", token)]);
        foreach (var page in pages)
        {
            await CheckAsync(new HttpRequestMessage(HttpMethod.Post, page) { Content = Form() }, "POST without a handler");
            await CheckAsync(new HttpRequestMessage(HttpMethod.Post, page + "?handler=NoSuchThing") { Content = Form() }, "POST to a made-up handler");
            await CheckAsync(new HttpRequestMessage(HttpMethod.Get, page + "?handler=NoSuchThing"), "GET of a made-up handler");
        }
        // More fields than the form reader takes: refused with the error page (or a problem), once.
        var flood = Enumerable.Range(0, 2000).Select(i => KeyValuePair.Create("sku", $"SF-{i:D7}")).Append(KeyValuePair.Create("__RequestVerificationToken", token)).ToList();
        foreach (var form in new[] { "/cart?handler=Add", "/cart?handler=AddBundle", "/account/login", "/orders/track" })
        {
            using var response = await client.PostAsync(form, new FormUrlEncodedContent(flood));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("That request did not look right", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var api = await client.PostAsync("/api/cart/lines", new FormUrlEncodedContent(flood)))
        {
            Assert.True((int)api.StatusCode is >= 400 and < 500, $"{api.StatusCode}");
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} answers were a server error or a refusal without a page:\n" + string.Join("\n", wrong));
        Assert.Equal(before, await SnapshotAsync());
    }

    private static async Task<Outcome> SendAsync(HttpClient client, string token, Target target, Hostile hostile, CancellationToken ct)
    {
        var path = "/" + string.Join('/', target.Template.Split('/').Select(segment =>
            target.RouteParameters.Aggregate(segment, (s, p) => s.Replace("{" + p + "}", hostile.InUrl, StringComparison.Ordinal))));
        var query = new List<string>();
        if (target.Handler is not null) query.Add("handler=" + target.Handler);
        HttpContent? content = null;
        if (target.Method == "GET")
            query.AddRange(target.Fields.Select(f => $"{Uri.EscapeDataString(f)}={hostile.InUrl}"));
        else if (target.Template.StartsWith("api/", StringComparison.Ordinal))
            content = new StringContent(hostile.Value, System.Text.Encoding.UTF8, "application/json");
        else
            content = new FormUrlEncodedContent(target.Fields.Select(f => KeyValuePair.Create(f, hostile.Value))
                .Append(KeyValuePair.Create("__RequestVerificationToken", token)));
        var url = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), url) { Content = content };
        HttpResponseMessage sent;
        try
        {
            sent = await client.SendAsync(request, ct);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("null characters", StringComparison.Ordinal))
        {
            // The in-memory server refuses a NUL in the path before the app sees it, as Kestrel does with 400.
            return new Outcome($"{target.Method} {url}", HttpStatusCode.BadRequest, ex.Message);
        }
        using var response = sent;
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther && response.Headers.Location is { } location
            && target.Method == "POST" && !location.IsAbsoluteUri)
        {
            // Post/Redirect/Get: the message is on the page redirected to.
            using var next = await client.GetAsync(location, ct);
            body = await next.Content.ReadAsStringAsync(ct);
            return new Outcome($"{target.Method} {url} → {location}", next.StatusCode, body, target.Fields.Count > 0);
        }
        return new Outcome($"{target.Method} {url} [{hostile.InUrl[..Math.Min(hostile.InUrl.Length, 40)]}]", response.StatusCode, body, target.Fields.Count > 0);
    }

    /// <summary>Public endpoints (no authorization), with their route parameters and bound fields.</summary>
    private Task<List<Target>> PublicTargetsAsync() => TargetsAsync(merchantArea: false);

    /// <summary>
    /// Public endpoints (no authorization), or the merchant area's pages, with their route
    /// parameters and bound fields.
    /// </summary>
    private async Task<List<Target>> TargetsAsync(bool merchantArea)
    {
        var loader = store.Services.GetRequiredService<PageLoader>();
        var targets = new List<Target>();
        foreach (var endpoint in store.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (merchantArea)
            {
                if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { AreaName: "Admin" }) continue;
            }
            else if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null) continue;
            var pattern = endpoint.RoutePattern;
            var template = pattern.RawText!.TrimStart('/');
            var routeParameters = pattern.Parameters.Select(p => p.Name).ToList();
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                if (page.AreaName is not null && !merchantArea) continue;
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                if (!merchantArea && compiled.EndpointMetadata.OfType<IAuthorizeData>().Any() && !compiled.EndpointMetadata.OfType<IAllowAnonymous>().Any()) continue;
                foreach (var handler in compiled.HandlerMethods)
                {
                    var isGet = handler.HttpMethod.Equals("GET", StringComparison.OrdinalIgnoreCase);
                    var fields = handler.Parameters.Where(p => !routeParameters.Contains(p.Name) && IsBound(p.BindingInfo, p.ParameterType))
                        .SelectMany(p => FieldsOf(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType))
                        .Concat(compiled.BoundProperties.Where(p => !isGet || p.BindingInfo?.RequestPredicate is null || SupportsGet(p))
                            .Where(p => !isGet || SupportsGet(p))
                            .SelectMany(p => FieldsOf(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType)))
                        .Distinct().ToList();
                    targets.Add(new Target(handler.HttpMethod.ToUpperInvariant(), template, routeParameters, fields, handler.Name));
                }
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var query = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault()?.GetParameters()
                .Where(p => !routeParameters.Contains(p.Name!) && IsSimple(p.ParameterType)).Select(p => p.Name!).ToList() ?? [];
            foreach (var method in methods.Where(m => m is not "OPTIONS" and not "HEAD"))
                targets.Add(new Target(method, template, routeParameters, query, null));
        }
        return targets;
    }

    private static bool SupportsGet(Microsoft.AspNetCore.Mvc.Abstractions.ParameterDescriptor p) =>
        p is PageBoundPropertyDescriptor { Property: var property } && property.GetCustomAttribute<Microsoft.AspNetCore.Mvc.BindPropertyAttribute>() is { SupportsGet: true };

    private static bool IsBound(BindingInfo? info, Type type) =>
        info?.BindingSource is null || info.BindingSource == BindingSource.Query || info.BindingSource == BindingSource.Form
        || info.BindingSource == BindingSource.ModelBinding || info.BindingSource == BindingSource.Path
            ? !typeof(CancellationToken).IsAssignableFrom(type) && !typeof(IFormFile).IsAssignableFrom(type)
            : false;

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(DateOnly);
    }

    /// <summary>A simple value is one field; a complex input model gives one field per settable simple property.</summary>
    private static IEnumerable<string> FieldsOf(string name, Type type) =>
        IsSimple(type) ? [name]
        : type.IsClass && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            ? type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsSimple(p.PropertyType)).Select(p => $"{name}.{p.Name}")
            : [];

    /// <summary>Row counts of every table in the store's schemas and the number of Redis keys.</summary>
    private async Task<string> SnapshotAsync()
    {
        await store.DrainOutboxAsync();
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'hangfire') ORDER BY 1
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(store.RedisConnectionString + ",allowAdmin=true");
        var options = StackExchange.Redis.ConfigurationOptions.Parse(store.RedisConnectionString);
        // Scanned asynchronously: a blocking scan under the suite's parallel load could starve and time out.
        var keys = new List<string>();
        await foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(options.DefaultDatabase ?? 0, pageSize: 1000)) keys.Add(key.ToString());
        keys.Sort(StringComparer.Ordinal);
        return string.Join("\n", counts) + "\nredis: " + string.Join(", ", keys);
    }
}
