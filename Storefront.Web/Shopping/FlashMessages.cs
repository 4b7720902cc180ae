using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Storefront.Web.Shopping;

/// <summary>
/// The one-time message shown at the top of the next page after a form (Post/Redirect/Get): a notice
/// when something was done, a problem when it was not. Kept in TempData; the layout shows and
/// clears them, storefront and admin area alike.
/// </summary>
public static class FlashMessages
{
    private const string NoticeKey = "flash.notice";
    private const string ProblemKey = "flash.problem";

    public static void Notice(this ITempDataDictionary tempData, string? message) => tempData[NoticeKey] = message;

    public static void Problem(this ITempDataDictionary tempData, string? message) => tempData[ProblemKey] = message;

    /// <summary>A notice when <paramref name="succeeded"/>, otherwise a problem.</summary>
    public static void Outcome(this ITempDataDictionary tempData, bool succeeded, string? message)
    {
        if (succeeded) tempData.Notice(message);
        else tempData.Problem(message);
    }

    /// <summary>True when a message is already waiting for the next page.</summary>
    public static bool HasFlash(this ITempDataDictionary tempData) => tempData.ContainsKey(NoticeKey) || tempData.ContainsKey(ProblemKey);

    /// <summary>The waiting notice, taken (it is shown once).</summary>
    public static string? TakeNotice(this ITempDataDictionary tempData) => tempData[NoticeKey] as string;

    /// <summary>The waiting problem, taken (it is shown once).</summary>
    public static string? TakeProblem(this ITempDataDictionary tempData) => tempData[ProblemKey] as string;
}
