using System.Text;

namespace LeaPformer.Streaming.Decoding;

/// <summary>
/// Incremental SentencePiece detokenizer: each appended token returns the text it adds, so a
/// segment's text is built once instead of re-decoded per token. Byte-fallback pieces are decoded as
/// UTF-8 as soon as a character is complete; an incomplete character is held back, never shown as
/// U+FFFD and then changed, so the text only ever grows.
/// </summary>
internal sealed class Detokenizer(TokenTable table)
{
    private readonly StringBuilder _text = new();
    private readonly List<byte> _bytes = [];

    public string Text => _text.ToString();

    /// <returns>The text this token appended (possibly empty).</returns>
    public string Append(int id)
    {
        int b = table.ByteValue(id);
        if (b >= 0)
        {
            _bytes.Add((byte)b);
            int complete = _bytes.Count - IncompleteTailLength(_bytes);
            return complete > 0 ? Emit(TakeBytes(complete)) : string.Empty;
        }

        string pending = _bytes.Count > 0 ? TakeBytes(_bytes.Count) : string.Empty;
        return Emit(pending + table.Render(id));
    }

    private string Emit(string piece)
    {
        if (_text.Length == 0)
        {
            piece = piece.TrimStart(' '); // the word boundary before the first word is not text
        }

        _text.Append(piece);
        return piece;
    }

    private string TakeBytes(int count)
    {
        string s = Encoding.UTF8.GetString([.. _bytes.GetRange(0, count)]);
        _bytes.RemoveRange(0, count);
        return s;
    }

    /// <summary>How many trailing bytes are the valid start of a UTF-8 character still missing continuation bytes.</summary>
    private static int IncompleteTailLength(List<byte> bytes)
    {
        int n = bytes.Count;
        for (int back = 1; back <= Math.Min(3, n); back++)
        {
            byte b = bytes[n - back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: the lead byte is further back
            }

            int needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? back : 0;
        }

        return 0;
    }
}
