using Lucene.Net.Util.Automaton;

namespace Storefront.Search.Lucene;

/// <summary>
/// The edit-distance automata of recently searched words, least recently used dropped first, bounded
/// by entries and by the characters of their words. Building the automata is most of the cost of a
/// typo-tolerant word (about 4 ms for two edits on this hardware; the search itself well under one),
/// and the words are whatever shoppers (or anyone else) type, so the cache must not grow with them.
/// </summary>
internal sealed class TypoAutomata(int maxEntries, int maxCharacters)
{
    private sealed record Entry(string Word, int Edits, CompiledAutomaton[] Automata);

    private readonly object _gate = new();
    private readonly Dictionary<(string Word, int Edits), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = new();
    private int _characters;

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>The characters of the cached words, together.</summary>
    public int Characters
    {
        get { lock (_gate) return _characters; }
    }

    public bool TryGet(string word, int edits, out CompiledAutomaton[] automata)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((word, edits), out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                automata = node.Value.Automata;
                return true;
            }
        }
        automata = [];
        return false;
    }

    public void Add(string word, int edits, CompiledAutomaton[] automata)
    {
        if (word.Length > maxCharacters || maxEntries <= 0) return;
        lock (_gate)
        {
            if (_entries.ContainsKey((word, edits))) return;
            while (_entries.Count > 0 && (_entries.Count >= maxEntries || _characters + word.Length > maxCharacters))
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _entries.Remove((oldest.Value.Word, oldest.Value.Edits));
                _characters -= oldest.Value.Word.Length;
            }
            _entries[(word, edits)] = _recent.AddFirst(new Entry(word, edits, automata));
            _characters += word.Length;
        }
    }
}
