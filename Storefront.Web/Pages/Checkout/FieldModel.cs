namespace Storefront.Web.Pages.Checkout;

/// <summary>One labelled input with its error, as the checkout forms draw them.</summary>
public sealed record FieldModel(string Name, string Label, string? Value, string? Error, string Type, string AutoComplete)
{
    public string Id => Name.Replace('.', '_');
}
