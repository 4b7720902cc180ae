using System.Globalization;
using System.Text.Json;

namespace Storefront.BuildingBlocks.Outcomes;

/// <summary>
/// A <see cref="Problem"/> kept in a text column (a checkout's last word to the shopper, a failed
/// refund's reason), as JSON of its code and values. Values read back as the types the host
/// formats: text, numbers, <see cref="Money"/>, lists of text and problems inside problems.
/// </summary>
public static class ProblemJson
{
    public static string Write(Problem problem)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) WriteProblem(json, problem);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The problem written by <see cref="Write"/>, or null when <paramref name="text"/> is something else (such as text stored before problems were).</summary>
    public static Problem? Read(string? text)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '{') return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return ReadProblem(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteProblem(Utf8JsonWriter json, Problem problem)
    {
        json.WriteStartObject();
        json.WriteString("code", problem.Code);
        json.WriteStartObject("args");
        foreach (var (name, value) in problem.Args)
        {
            json.WritePropertyName(name);
            WriteValue(json, value);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int or long or short or byte: json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case decimal or double or float: json.WriteNumberValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture)); break;
            case Money m:
                json.WriteStartObject();
                json.WriteNumber("amount", m.Amount);
                json.WriteString("currency", m.Currency);
                json.WriteEndObject();
                break;
            case Problem p: WriteProblem(json, p); break;
            case IEnumerable<string> list:
                json.WriteStartArray();
                foreach (var item in list) json.WriteStringValue(item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static Problem? ReadProblem(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String) return null;
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (e.TryGetProperty("args", out var values) && values.ValueKind == JsonValueKind.Object)
            foreach (var value in values.EnumerateObject()) args[value.Name] = ReadValue(value.Value);
        return new Problem(code.GetString()!, args);
    }

    private static object? ReadValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var whole) && !e.GetRawText().Contains('.', StringComparison.Ordinal) ? whole : e.GetDecimal(),
        JsonValueKind.Array => e.EnumerateArray().Select(i => i.GetString() ?? "").ToList(),
        JsonValueKind.Object when e.TryGetProperty("code", out _) => ReadProblem(e),
        JsonValueKind.Object when e.TryGetProperty("amount", out var amount) && e.TryGetProperty("currency", out var currency) =>
            new Money(amount.GetDecimal(), currency.GetString() ?? ""),
        _ => null,
    };
}
