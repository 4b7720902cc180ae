using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

// Checkout end to end over HTTP, as shoppers do it, with the built-in test gateway:
//   dotnet run -c Release --project bench/Storefront.CheckoutBench -- <base url> <skus file> [seconds] [shoppers] [warmup] [discount code]
// Each shopper loops: add one unit of a random SKU (JSON cart API), open /checkout, send the
// delivery form, open the review page, place the order with the test card. "checkout" is the
// place-order request alone (the saga: holds, pricing, charge, order, stock, outbox); "flow" is
// the whole loop, five requests. With a discount code, every shopper gives the same code on the
// delivery form (so every order takes its turn on that code's lock).
var baseUrl = new Uri(args.Length > 0 ? args[0] : throw new ArgumentException("Pass the store's base URL."));
var skus = File.ReadAllLines(args.Length > 1 ? args[1] : throw new ArgumentException("Pass a file of SKUs.")).Where(s => s.Length > 0).ToArray();
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var shoppers = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 8;
var warmup = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
var discountCode = args.Length > 5 ? args[5] : "";

var hidden = new Regex("<input[^>]*type=\"hidden\"[^>]*>", RegexOptions.Compiled);
var nameAttr = new Regex("name=\"([^\"]+)\"", RegexOptions.Compiled);
var valueAttr = new Regex("value=\"([^\"]*)\"", RegexOptions.Compiled);
var token = new Regex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"", RegexOptions.Compiled);

async Task<(double Checkout, double Flow, bool Ok)> BuyAsync(HttpClient http, Random random)
{
    var started = Stopwatch.GetTimestamp();
    var add = await http.PostAsJsonAsync("/api/cart/lines", new { sku = skus[random.Next(skus.Length)], quantity = 1 });
    if (!add.IsSuccessStatusCode) return (0, 0, false);
    var delivery = await http.GetStringAsync("/checkout");
    var form = new Dictionary<string, string>
    {
        ["Form.Email"] = "bench@example.test", ["Form.Name"] = "Bench Shopper", ["Form.Line1"] = "1 Load Street", ["Form.City"] = "Austin",
        ["Form.Region"] = "TX", ["Form.PostalCode"] = "73301", ["Form.Country"] = "US", ["Form.ShippingMethod"] = "standard",
        ["Form.DiscountCode"] = discountCode,
        ["__RequestVerificationToken"] = token.Match(delivery).Groups[1].Value,
    };
    var toReview = await http.PostAsync("/checkout", new FormUrlEncodedContent(form));
    if (toReview.StatusCode != HttpStatusCode.Redirect) return (0, 0, false);
    var review = await http.GetStringAsync("/checkout/review");
    var place = new Dictionary<string, string>();
    foreach (Match input in hidden.Matches(review))
        place[WebUtility.HtmlDecode(nameAttr.Match(input.Value).Groups[1].Value)] = WebUtility.HtmlDecode(valueAttr.Match(input.Value).Groups[1].Value);
    place["Card"] = "4242424242424242";
    place["__RequestVerificationToken"] = token.Match(review).Groups[1].Value;
    var placing = Stopwatch.GetTimestamp();
    var placed = await http.PostAsync("/checkout/review", new FormUrlEncodedContent(place));
    var checkout = Stopwatch.GetElapsedTime(placing).TotalMilliseconds;
    var ok = placed.StatusCode == HttpStatusCode.Redirect && placed.Headers.Location?.OriginalString.StartsWith("/orders/SF-", StringComparison.Ordinal) == true;
    return (checkout, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok);
}

async Task<(List<double> Checkout, List<double> Flow, int Failed, double Elapsed)> RunAsync(int forSeconds)
{
    var checkout = new List<double>[shoppers];
    var flow = new List<double>[shoppers];
    var failed = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, shoppers).Select(w => Task.Run(async () =>
    {
        var random = new Random(w * 7919 + forSeconds);
        (checkout[w], flow[w]) = ([], []);
        using var http = new HttpClient(new CookieJar(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })) { BaseAddress = baseUrl };
        while (clock.Elapsed.TotalSeconds < forSeconds)
        {
            var (c, f, ok) = await BuyAsync(http, random);
            if (!ok) { Interlocked.Increment(ref failed); continue; }
            checkout[w].Add(c);
            flow[w].Add(f);
        }
    })));
    return (checkout.SelectMany(l => l).Order().ToList(), flow.SelectMany(l => l).Order().ToList(), failed, clock.Elapsed.TotalSeconds);
}

if (warmup > 0) await RunAsync(warmup);
var (placedTimes, flowTimes, failures, elapsed) = await RunAsync(seconds);
double P(List<double> all, double q) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)(q * all.Count))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT shoppers={shoppers} code={(discountCode.Length > 0 ? discountCode : "none")} orders={placedTimes.Count} orders_per_s={placedTimes.Count / elapsed:0.0} failed={failures} checkout_p50_ms={P(placedTimes, 0.5):0.0} p95_ms={P(placedTimes, 0.95):0.0} p99_ms={P(placedTimes, 0.99):0.0} flow_p50_ms={P(flowTimes, 0.5):0.0} flow_p95_ms={P(flowTimes, 0.95):0.0}"));

/// <summary>
/// Keeps cookies by name and sends them back on every request. The store marks its cookies Secure
/// outside Development, which .NET's CookieContainer would not return over the plain HTTP this
/// benchmark uses on the loopback address.
/// </summary>
internal sealed class CookieJar(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                var pair = header.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) continue;
                var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
                else _cookies[name] = value;
            }
        }
        return response;
    }
}
