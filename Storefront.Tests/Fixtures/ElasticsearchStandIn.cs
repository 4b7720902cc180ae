using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// A local server that speaks Elasticsearch 7's wire format for the calls the store makes: the
/// product check at "/", index creation with a mapping, _mapping, aliases (read and atomic
/// _aliases actions), index deletion, _bulk NDJSON, _count and _search. It records every request,
/// rejects what a cluster would reject (unknown index, a second index of the same name, a bulk
/// line that is not an action/source pair, a mapping property of an unknown type) and answers
/// with Elasticsearch-shaped bodies and errors.
///
/// It is not a search engine. _search evaluates filters (term, terms, range, bool, match_all)
/// and aggregations exactly, but a match clause only checks that the field contains the word
/// (no analysis, stemming, fuzziness or scoring: every hit scores 1), and the term suggester
/// returns no options. Tests that need a particular answer queue it with <see cref="Answer"/>.
/// </summary>
public sealed partial class ElasticsearchStandIn : IAsyncDisposable
{
    private static readonly HashSet<string> KnownTypes =
        ["text", "keyword", "search_as_you_type", "double", "float", "integer", "long", "scaled_float", "date", "boolean", "object", "nested"];

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, (JsonObject Mappings, SortedDictionary<string, JsonObject> Docs)> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(int Status, string Body)> _answers = new();

    public ConcurrentQueue<(string Method, string Path, string Query, string Body)> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>While set, every request is answered 503, as a cluster with no master would.</summary>
    public bool Down { get; set; }

    private ElasticsearchStandIn(WebApplication app) => _app = app;

    public static async Task<ElasticsearchStandIn> StartAsync()
    {
        var standIn = new ElasticsearchStandIn(LocalServer.Create());
        standIn._app.Run(standIn.HandleAsync);
        standIn.BaseAddress = await LocalServer.StartAsync(standIn._app);
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The next _search (or _count) is answered with this status and body instead.</summary>
    public void Answer(int status, string body) => _answers.Enqueue((status, body));

    public IReadOnlyList<string> IndicesBehind(string alias)
    {
        lock (_gate) return _aliases.TryGetValue(alias, out var set) ? set.Order(StringComparer.Ordinal).ToList() : [];
    }

    public IReadOnlyList<string> Indices()
    {
        lock (_gate) return _indices.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public JsonObject? Document(string index, string id)
    {
        lock (_gate) return _indices.TryGetValue(index, out var i) && i.Docs.TryGetValue(id, out var d) ? d : null;
    }

    /// <summary>The JSON bodies of the requests whose path ends with <paramref name="suffix"/> (e.g. "/_search").</summary>
    public IReadOnlyList<JsonNode> Bodies(string method, string suffix) =>
        Requests.Where(r => r.Method == method && r.Path.EndsWith(suffix, StringComparison.Ordinal) && r.Body.Length > 0)
            .Select(r => JsonNode.Parse(r.Body)!).ToList();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Path.Value ?? "/";
        Requests.Enqueue((http.Request.Method, path, http.Request.QueryString.Value ?? "", body));
        // Clients from 7.14 on refuse to talk to a server that does not say it is Elasticsearch.
        http.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        var (status, answer) = Down
            ? Error(503, "master_not_discovered_exception", "the cluster is down")
            : Route(http.Request.Method, path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries), body);
        http.Response.StatusCode = status;
        if (http.Request.Method == "HEAD") return;
        http.Response.ContentType = "application/json; charset=UTF-8";
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    private (int, JsonNode) Route(string method, string[] parts, string body)
    {
        try
        {
            lock (_gate)
            {
                return (method, parts) switch
                {
                    ("GET" or "HEAD", []) => (200, Info()),
                    ("PUT", [var index]) => CreateIndex(index, body),
                    ("DELETE", [var index]) => DeleteIndex(index),
                    ("GET", [var index, "_mapping"]) => Mapping(index),
                    ("GET", ["_alias", var alias]) => Alias(alias),
                    ("GET", [_, "_alias", var alias]) => Alias(alias),
                    ("POST", ["_aliases"]) => ChangeAliases(body),
                    ("POST" or "PUT", ["_bulk"]) => Bulk(null, body),
                    ("POST" or "PUT", [var index, "_bulk"]) => Bulk(index, body),
                    ("POST" or "GET", [var index, "_count"]) => Answered() ?? Count(index, body),
                    ("POST" or "GET", [var index, "_search"]) => Answered() ?? Search(index, body),
                    _ => Error(400, "illegal_argument_exception", $"the stand-in does not serve {method} /{string.Join('/', parts)}"),
                };
            }
        }
        catch (JsonException ex)
        {
            return Error(400, "parse_exception", ex.Message);
        }
    }

    private (int, JsonNode)? Answered() => _answers.TryDequeue(out var a) ? (a.Status, JsonNode.Parse(a.Body)!) : null;

    private static JsonObject Info() => new()
    {
        ["name"] = "stand-in", ["cluster_name"] = "storefront-tests", ["cluster_uuid"] = "standin",
        ["version"] = new JsonObject
        {
            ["number"] = "7.17.5", ["build_flavor"] = "default", ["build_type"] = "tar", ["lucene_version"] = "8.11.1",
            ["minimum_wire_compatibility_version"] = "6.8.0", ["minimum_index_compatibility_version"] = "6.0.0-beta1",
        },
        ["tagline"] = "You Know, for Search",
    };

    private static (int, JsonNode) Error(int status, string type, string reason) => (status, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["root_cause"] = new JsonArray(new JsonObject { ["type"] = type, ["reason"] = reason }),
            ["type"] = type, ["reason"] = reason,
        },
        ["status"] = status,
    });

    private static (int, JsonNode) Missing(string index) =>
        Error(404, "index_not_found_exception", $"no such index [{index}]");

    /// <summary>The concrete indices a name means: an index, or every index behind an alias.</summary>
    private List<string>? Resolve(string name) =>
        _indices.ContainsKey(name) ? [name] : _aliases.TryGetValue(name, out var set) && set.Count > 0 ? set.ToList() : null;

    private (int, JsonNode) CreateIndex(string index, string body)
    {
        if (_indices.ContainsKey(index) || _aliases.ContainsKey(index))
            return Error(400, "resource_already_exists_exception", $"index [{index}] already exists");
        if (index.Any(char.IsUpper)) return Error(400, "invalid_index_name_exception", $"Invalid index name [{index}], must be lowercase");
        var request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        var mappings = request["mappings"]?.AsObject() ?? new JsonObject();
        foreach (var (name, property) in (mappings["properties"] as JsonObject) ?? [])
        {
            var type = property?["type"]?.GetValue<string>() ?? "object";
            if (!KnownTypes.Contains(type)) return Error(400, "mapper_parsing_exception", $"No handler for type [{type}] declared on field [{name}]");
        }
        _indices[index] = ((JsonObject)mappings.DeepClone(), new SortedDictionary<string, JsonObject>(StringComparer.Ordinal));
        return (200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = index });
    }

    private (int, JsonNode) DeleteIndex(string index)
    {
        if (!_indices.Remove(index)) return Missing(index);
        foreach (var set in _aliases.Values) set.Remove(index);
        return (200, new JsonObject { ["acknowledged"] = true });
    }

    private (int, JsonNode) Mapping(string name)
    {
        if (Resolve(name) is not { } indices) return Missing(name);
        var answer = new JsonObject();
        foreach (var index in indices) answer[index] = new JsonObject { ["mappings"] = _indices[index].Mappings.DeepClone() };
        return (200, answer);
    }

    private (int, JsonNode) Alias(string alias)
    {
        if (!_aliases.TryGetValue(alias, out var set) || set.Count == 0)
            return (404, new JsonObject { ["error"] = $"alias [{alias}] missing", ["status"] = 404 });
        var answer = new JsonObject();
        foreach (var index in set) answer[index] = new JsonObject { ["aliases"] = new JsonObject { [alias] = new JsonObject() } };
        return (200, answer);
    }

    /// <summary>Applies every add and remove, or none of them.</summary>
    private (int, JsonNode) ChangeAliases(string body)
    {
        var actions = JsonNode.Parse(body)!["actions"]!.AsArray();
        var changes = new List<(bool Add, string Index, string Alias)>();
        foreach (var action in actions)
        {
            var (kind, detail) = action!.AsObject().Single();
            var index = detail!["index"]!.GetValue<string>();
            var alias = detail["alias"]!.GetValue<string>();
            if (!_indices.ContainsKey(index)) return Missing(index);
            if (kind == "remove" && !(_aliases.TryGetValue(alias, out var set) && set.Contains(index)))
                return Error(404, "aliases_not_found_exception", $"aliases [{alias}] missing");
            if (kind is not ("add" or "remove")) return Error(400, "illegal_argument_exception", $"unknown alias action [{kind}]");
            changes.Add((kind == "add", index, alias));
        }
        foreach (var (add, index, alias) in changes)
        {
            if (!_aliases.TryGetValue(alias, out var set)) _aliases[alias] = set = [];
            if (add) set.Add(index);
            else set.Remove(index);
        }
        return (200, new JsonObject { ["acknowledged"] = true });
    }

    private (int, JsonNode) Bulk(string? defaultIndex, string body)
    {
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var items = new JsonArray();
        var errors = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var (operation, meta) = JsonNode.Parse(lines[i])!.AsObject().Single();
            var name = meta?["_index"]?.GetValue<string>() ?? defaultIndex
                ?? throw new JsonException("bulk action without an index");
            var id = meta?["_id"]?.GetValue<string>() ?? throw new JsonException("bulk action without an _id");
            JsonObject? source = null;
            if (operation is "index" or "create")
            {
                if (++i >= lines.Length) throw new JsonException($"bulk {operation} for [{id}] has no source line");
                source = JsonNode.Parse(lines[i])!.AsObject();
            }
            else if (operation != "delete")
            {
                throw new JsonException($"unknown bulk action [{operation}]");
            }
            var targets = Resolve(name);
            JsonObject item;
            if (targets is null || targets.Count != 1)
            {
                errors = true;
                var (type, reason) = targets is null ? ("index_not_found_exception", $"no such index [{name}]") : ("illegal_argument_exception", $"alias [{name}] has more than one index");
                item = new JsonObject
                {
                    ["_index"] = name, ["_id"] = id, ["status"] = targets is null ? 404 : 400,
                    ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason },
                };
            }
            else
            {
                var docs = _indices[targets[0]].Docs;
                var existed = docs.ContainsKey(id);
                if (source is not null) docs[id] = source;
                else docs.Remove(id);
                item = new JsonObject
                {
                    ["_index"] = targets[0], ["_type"] = "_doc", ["_id"] = id, ["_version"] = 1,
                    ["result"] = source is not null ? (existed ? "updated" : "created") : (existed ? "deleted" : "not_found"),
                    ["status"] = source is not null ? (existed ? 200 : 201) : (existed ? 200 : 404),
                };
            }
            items.Add(new JsonObject { [operation] = item });
        }
        return (200, new JsonObject { ["took"] = 1, ["errors"] = errors, ["items"] = items });
    }

    private (int, JsonNode) Count(string name, string body)
    {
        if (Resolve(name) is not { } indices) return Missing(name);
        var query = body.Length == 0 ? null : JsonNode.Parse(body)?["query"];
        var count = indices.SelectMany(i => _indices[i].Docs.Values).Count(d => query is null || Matches(query, d));
        return (200, new JsonObject { ["count"] = count, ["_shards"] = Shards() });
    }

    private static JsonObject Shards() => new() { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 };

    private (int, JsonNode) Search(string name, string body)
    {
        if (Resolve(name) is not { } indices) return Missing(name);
        var request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        var query = request["query"];
        var matching = indices.SelectMany(i => _indices[i].Docs.Select(d => (Index: i, Id: d.Key, Doc: d.Value)))
            .Where(d => query is null || Matches(query, d.Doc)).ToList();
        IEnumerable<(string Index, string Id, JsonObject Doc)> ordered = matching.OrderBy(d => d.Id, StringComparer.Ordinal);
        if (request["sort"] is JsonArray sorts)
        {
            foreach (var sort in sorts.Reverse())
            {
                var (field, spec) = sort!.AsObject().Single();
                if (field == "_score") continue;
                var descending = (spec is JsonObject o ? o["order"]?.GetValue<string>() : spec?.GetValue<string>()) == "desc";
                ordered = descending
                    ? ordered.OrderByDescending(d => SortKey(d.Doc[field]), Comparer<IComparable?>.Default)
                    : ordered.OrderBy(d => SortKey(d.Doc[field]), Comparer<IComparable?>.Default);
            }
        }
        var from = request["from"]?.GetValue<int>() ?? 0;
        var size = request["size"]?.GetValue<int>() ?? 10;
        var words = Words(query).ToList();
        var preTag = request["highlight"]?["pre_tags"]?[0]?.GetValue<string>() ?? "<em>";
        var postTag = request["highlight"]?["post_tags"]?[0]?.GetValue<string>() ?? "</em>";
        var hits = new JsonArray();
        foreach (var (index, id, doc) in ordered.Skip(from).Take(size))
        {
            var hit = new JsonObject { ["_index"] = index, ["_type"] = "_doc", ["_id"] = id, ["_score"] = 1.0, ["_source"] = doc.DeepClone() };
            if (request["highlight"]?["fields"]?["title"] is not null && doc["title"]?.GetValue<string>() is { } title
                && Highlight(title, words, preTag, postTag) is { } marked)
                hit["highlight"] = new JsonObject { ["title"] = new JsonArray(marked) };
            hits.Add(hit);
        }
        var answer = new JsonObject
        {
            ["took"] = 1, ["timed_out"] = false, ["_shards"] = Shards(),
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = matching.Count, ["relation"] = "eq" },
                ["max_score"] = matching.Count > 0 ? 1.0 : null,
                ["hits"] = hits,
            },
        };
        if ((request["aggs"] ?? request["aggregations"]) is JsonObject aggs)
        {
            var results = new JsonObject();
            foreach (var (aggName, agg) in aggs) results[aggName] = Aggregate(agg!.AsObject(), matching.Select(m => m.Doc).ToList());
            answer["aggregations"] = results;
        }
        if (request["suggest"] is JsonObject suggest)
        {
            var results = new JsonObject();
            foreach (var (suggestName, spec) in suggest)
            {
                var text = spec?["text"]?.GetValue<string>() ?? "";
                var entries = new JsonArray();
                foreach (Match m in WordPattern().Matches(text))
                    entries.Add(new JsonObject { ["text"] = m.Value.ToLowerInvariant(), ["offset"] = m.Index, ["length"] = m.Length, ["options"] = new JsonArray() });
                results[suggestName] = entries;
            }
            answer["suggest"] = results;
        }
        return (200, answer);
    }

    private static IComparable? SortKey(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static JsonNode Aggregate(JsonObject agg, List<JsonObject> docs)
    {
        if (agg["terms"] is JsonObject terms)
        {
            var field = terms["field"]!.GetValue<string>();
            var size = terms["size"]?.GetValue<int>() ?? 10;
            var counts = docs.SelectMany(d => Values(d[field]).Select(v => v.ToString()!).Distinct())
                .GroupBy(v => v, StringComparer.Ordinal).Select(g => (Key: g.Key, Count: g.Count()))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            return new JsonObject
            {
                ["doc_count_error_upper_bound"] = 0,
                ["sum_other_doc_count"] = counts.Skip(size).Sum(c => c.Count),
                ["buckets"] = new JsonArray(counts.Take(size).Select(c => (JsonNode)new JsonObject { ["key"] = c.Key, ["doc_count"] = c.Count }).ToArray()),
            };
        }
        if (agg["range"] is JsonObject range)
        {
            var field = range["field"]!.GetValue<string>();
            var buckets = new JsonArray();
            foreach (var r in range["ranges"]!.AsArray())
            {
                var from = r!["from"]?.GetValue<double>();
                var to = r["to"]?.GetValue<double>();
                var count = docs.Count(d => Values(d[field]).OfType<double>().Any(v => (from is null || v >= from) && (to is null || v < to)));
                var bucket = new JsonObject
                {
                    ["key"] = r["key"]?.GetValue<string>() ?? $"{from?.ToString(CultureInfo.InvariantCulture) ?? "*"}-{to?.ToString(CultureInfo.InvariantCulture) ?? "*"}",
                };
                if (from is not null) bucket["from"] = from;
                if (to is not null) bucket["to"] = to;
                bucket["doc_count"] = count;
                buckets.Add(bucket);
            }
            return new JsonObject { ["buckets"] = buckets };
        }
        if (agg["filter"] is JsonNode filter) return new JsonObject { ["doc_count"] = docs.Count(d => Matches(filter, d)) };
        throw new JsonException($"the stand-in does not compute aggregation [{agg.First().Key}]");
    }

    /// <summary>A field's values as doubles or strings (arrays give several).</summary>
    private static IEnumerable<object> Values(JsonNode? node)
    {
        switch (node)
        {
            case null:
                yield break;
            case JsonArray array:
                foreach (var item in array) foreach (var v in Values(item)) yield return v;
                break;
            case JsonValue value when value.TryGetValue<double>(out var d):
                yield return d;
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                yield return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && !s.Any(char.IsLetter) ? parsed : s;
                break;
            default:
                yield return node.ToJsonString();
                break;
        }
    }

    private static bool Matches(JsonNode query, JsonObject doc)
    {
        var (kind, spec) = query.AsObject().Single();
        switch (kind)
        {
            case "match_all":
                return true;
            case "bool":
                var minimum = spec!["minimum_should_match"]?.GetValue<int>();
                bool All(string clause) => Clauses(spec[clause]).All(q => Matches(q, doc));
                var should = Clauses(spec["should"]).ToList();
                var mustAndFilter = All("must") && All("filter") && !Clauses(spec["must_not"]).Any(q => Matches(q, doc));
                var needed = minimum ?? (spec["must"] is null && spec["filter"] is null && should.Count > 0 ? 1 : 0);
                return mustAndFilter && should.Count(q => Matches(q, doc)) >= needed;
            case "function_score":
                return spec!["query"] is not { } inner || Matches(inner, doc);
            case "term":
            {
                var (field, term) = spec!.AsObject().Single();
                var value = term is JsonObject o ? o["value"]! : term!;
                var insensitive = term is JsonObject t && t["case_insensitive"]?.GetValue<bool>() == true;
                var wanted = Values(value).Single();
                return Values(doc[field]).Any(v => wanted is string s && v is string d
                    ? string.Equals(s, d, insensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                    : Equals(v, wanted));
            }
            case "terms":
            {
                var (field, list) = spec!.AsObject().Single();
                var wanted = list!.AsArray().SelectMany(Values).ToHashSet();
                return Values(doc[field]).Any(wanted.Contains);
            }
            case "range":
            {
                var (field, bounds) = spec!.AsObject().Single();
                return Values(doc[field]).OfType<double>().Any(v =>
                    (bounds!["gte"]?.GetValue<double>() is not { } gte || v >= gte) && (bounds["gt"]?.GetValue<double>() is not { } gt || v > gt)
                    && (bounds["lte"]?.GetValue<double>() is not { } lte || v <= lte) && (bounds["lt"]?.GetValue<double>() is not { } lt || v < lt));
            }
            case "match":
            {
                var (field, match) = spec!.AsObject().Single();
                var text = match is JsonObject o ? o["query"]!.GetValue<string>() : match!.GetValue<string>();
                var words = WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToList();
                if (words.Count == 0) return true;
                var have = WordPattern().Matches(doc[field]?.GetValue<string>() ?? "").Select(m => m.Value.ToLowerInvariant()).ToHashSet();
                return words.All(have.Contains);
            }
            case "multi_match":
            {
                var words = WordPattern().Matches(spec!["query"]!.GetValue<string>()).Select(m => m.Value.ToLowerInvariant()).ToList();
                var fields = spec["fields"]!.AsArray().Select(f => f!.GetValue<string>().Split('.')[0].Split('^')[0]).Distinct();
                var have = fields.SelectMany(f => WordPattern().Matches(doc[f]?.GetValue<string>() ?? "").Select(m => m.Value.ToLowerInvariant())).ToHashSet();
                var prefixLast = spec["type"]?.GetValue<string>() == "bool_prefix";
                return words.Count > 0 && words.Select((w, i) => prefixLast && i == words.Count - 1 ? have.Any(h => h.StartsWith(w, StringComparison.Ordinal)) : have.Contains(w)).All(x => x);
            }
            default:
                throw new JsonException($"the stand-in does not evaluate [{kind}] queries");
        }
    }

    private static IEnumerable<JsonNode> Clauses(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.OfType<JsonNode>(),
        _ => [node],
    };

    /// <summary>The words of every match clause (what a highlighter would mark).</summary>
    private static IEnumerable<string> Words(JsonNode? query)
    {
        if (query is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                if (key == "match" && value is JsonObject m && m.Single().Value is { } spec)
                {
                    var text = spec is JsonObject so ? so["query"]!.GetValue<string>() : spec.GetValue<string>();
                    foreach (Match w in WordPattern().Matches(text)) yield return w.Value.ToLowerInvariant();
                }
                else
                {
                    foreach (var w in Words(value)) yield return w;
                }
            }
        }
        else if (query is JsonArray a)
        {
            foreach (var item in a) foreach (var w in Words(item)) yield return w;
        }
    }

    private static string? Highlight(string title, List<string> words, string pre, string post)
    {
        var marked = false;
        var result = new StringBuilder();
        var last = 0;
        foreach (Match m in WordPattern().Matches(title))
        {
            result.Append(WebUtility.HtmlEncode(title[last..m.Index]));
            if (words.Contains(m.Value.ToLowerInvariant()))
            {
                result.Append(pre).Append(WebUtility.HtmlEncode(m.Value)).Append(post);
                marked = true;
            }
            else
            {
                result.Append(WebUtility.HtmlEncode(m.Value));
            }
            last = m.Index + m.Length;
        }
        result.Append(WebUtility.HtmlEncode(title[last..]));
        return marked ? result.ToString() : null;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
