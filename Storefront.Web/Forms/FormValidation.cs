using FluentValidation;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Storefront.Web.Forms;

/// <summary>
/// Runs a form's validator from the handler and puts its failures into ModelState under the field
/// names the page renders, so <c>asp-validation-for</c> shows each beside its field. (FluentValidation's
/// automatic MVC validation is deprecated; handlers call this instead, which also keeps the order of
/// checks visible in the handler.)
/// </summary>
public static class FormValidation
{
    /// <summary>True when <paramref name="input"/> passes; otherwise its failures are in <paramref name="modelState"/> under <paramref name="prefix"/>.</summary>
    public static async Task<bool> ValidateIntoAsync<T>(this IValidator<T> validator, T input, ModelStateDictionary modelState, string prefix,
        CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        foreach (var failure in result.Errors)
            modelState.AddModelError(prefix.Length == 0 ? failure.PropertyName : prefix + "." + failure.PropertyName, failure.ErrorMessage);
        // A value the binder could not read (a box ticked with something other than true) stops the form too.
        return result.IsValid && modelState.IsValid;
    }
}
