using System.Collections.Frozen;
using System.Text;

namespace Storefront.BuildingBlocks;

/// <summary>
/// An enum value as a metric label (<c>PaymentDeclined</c> → <c>payment_declined</c>), made once per
/// value: counting a flash sale's crowd allocates nothing per request.
/// </summary>
public static class MetricLabels
{
    public static string Of<T>(T value) where T : struct, Enum =>
        Labels<T>.ByValue.TryGetValue(value, out var label) ? label : SnakeCase(value.ToString());

    /// <summary>Words joined by underscores, in lower case: <c>AlreadyJoined</c> → <c>already_joined</c>.</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }

    private static class Labels<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue =
            Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));
    }
}
