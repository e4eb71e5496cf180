using System.Collections;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// An append-only list whose snapshots are free: a snapshot is (array, count), and entries below
/// count are never written again (growth copies to a new array), so every update can carry "all
/// tokens so far" without copying them.
/// </summary>
internal sealed class PrefixList<T>
{
    private T[] _items = new T[16];

    public int Count { get; private set; }

    public T this[int index] => index < Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var bigger = new T[_items.Length * 2];
            _items.AsSpan(0, Count).CopyTo(bigger);
            _items = bigger;
        }

        _items[Count++] = item;
    }

    public IReadOnlyList<T> Snapshot() => new View(_items, Count);

    private sealed class View(T[] items, int count) : IReadOnlyList<T>
    {
        public int Count => count;

        public T this[int index] => (uint)index < (uint)count ? items[index] : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<T> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return items[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
