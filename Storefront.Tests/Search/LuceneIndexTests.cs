using Lucene.Net.Analysis.Core;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Storefront.Search.Contracts;
using Storefront.Search.Lucene;

namespace Storefront.Tests.Search;

/// <summary>The Lucene index on disk: built, stamped with its format, swapped in, and found again after a restart.</summary>
public sealed class LuceneIndexTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-index-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_root)) System.IO.Directory.Delete(_root, recursive: true);
    }

    private static SearchDocument Doc(int n) => new(new Guid($"00000000-0000-0000-0000-{n:D12}"), $"SKU-{n}", $"p-{n}", $"Lantern {n}", "", "Acme",
        ["home"], 10m, "USD", 4m, 1, 1, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task An_index_never_built_or_built_in_another_format_needs_a_rebuild_and_a_rebuilt_one_survives_a_restart()
    {
        using (var index = new SwitchableIndex(_root))
        {
            Assert.False(await index.IsCurrentAsync(default));
            await index.IndexAsync([Doc(1)], default); // a change before any build does not make it current
            Assert.False(await index.IsCurrentAsync(default));
            var building = await index.BeginRebuildAsync(default);
            await building!.IndexAsync([Doc(1), Doc(2)], default);
            await index.EndRebuildAsync(succeeded: true, default);
            Assert.True(await index.IsCurrentAsync(default));
            Assert.Equal(2, await index.CountAsync(default));
        }

        string live;
        using (var reopened = new SwitchableIndex(_root))
        {
            Assert.True(await reopened.IsCurrentAsync(default));
            Assert.Equal(2, await reopened.CountAsync(default));
            live = reopened.Location;
        }

        // An upgrade that changes the document layout raises the format; an index of the old one is rebuilt.
        using (var directory = FSDirectory.Open(live))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer())))
        {
            writer.SetCommitData(new Dictionary<string, string> { ["format"] = "0" });
            writer.Commit();
        }
        using var old = new SwitchableIndex(_root);
        Assert.False(await old.IsCurrentAsync(default));
        Assert.Equal(2, await old.CountAsync(default)); // still answering until the rebuild is swapped in
    }
}
