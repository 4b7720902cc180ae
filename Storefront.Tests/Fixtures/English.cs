using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Web.Words;

namespace Storefront.Tests.Fixtures;

/// <summary>The host's English words for what modules report, so module tests can check what a shopper reads.</summary>
public static class English
{
    public static readonly OutcomeText Words = new(new StringLocalizer<Outcomes>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance)));

    public static string? Of(Problem? problem) => problem is null ? null : Words.Of(problem);
}
