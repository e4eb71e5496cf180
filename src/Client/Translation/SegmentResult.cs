namespace LeaPformer.Client.Translation;

/// <summary>One segment's translation as received: the latest text and every token so far.</summary>
public sealed class SegmentResult(int index, long startMs)
{
    private readonly List<ReceivedToken> _tokens = [];

    public int Index { get; } = index;

    public long StartMs { get; } = startMs;

    public string Text { get; internal set; } = "";

    public bool IsFinal { get; internal set; }

    public IReadOnlyList<ReceivedToken> Tokens => _tokens;

    internal void Add(ReceivedToken token) => _tokens.Add(token);
}
