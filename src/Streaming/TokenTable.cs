using System.Globalization;
using System.Text;
using LeaPformer.Streaming.Decoding;

namespace LeaPformer.Streaming;

/// <summary>
/// The target vocabulary (tokens.txt: one SentencePiece piece per line, id = 0-based line number)
/// and its detokenizer.
/// </summary>
/// <remarks>
/// Detokenizing follows SentencePiece's decoder: <c>▁</c> (U+2581) becomes a space, the leading
/// space is trimmed, <c>&lt;0xNN&gt;</c> byte-fallback pieces are joined and decoded as UTF-8, control
/// pieces (bos, eos, pad) render as nothing and unk as " ⁇ ".
/// </remarks>
public sealed class TokenTable
{
    private const char WordBoundary = '\u2581';
    private const string UnknownText = " \u2047 ";

    private readonly string[] _pieces;
    private readonly bool[] _control;
    private readonly int _unkId;
    private readonly int[] _byteValue; // -1 unless the piece is <0xNN>

    public TokenTable(IReadOnlyList<string> pieces, int bosId, int eosId, int padId, int unkId)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        _pieces = [.. pieces];
        _control = new bool[_pieces.Length];
        _byteValue = new int[_pieces.Length];
        foreach (int id in (int[])[bosId, eosId, padId])
        {
            if ((uint)id < (uint)_pieces.Length)
            {
                _control[id] = true;
            }
        }

        _unkId = unkId;
        for (int i = 0; i < _pieces.Length; i++)
        {
            _byteValue[i] = ParseBytePiece(_pieces[i]);
        }
    }

    public int Count => _pieces.Length;

    public IReadOnlyList<string> Pieces => _pieces;

    /// <summary>The SentencePiece piece of a token id.</summary>
    public string this[int id] => (uint)id < (uint)_pieces.Length
        ? _pieces[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id outside the vocabulary of {_pieces.Length}.");

    /// <summary>Reads tokens.txt. Blank lines are pieces too (ids are line numbers), so nothing is skipped.</summary>
    public static TokenTable Load(string path, int bosId, int eosId, int padId, int unkId)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        int count = lines.Length;

        // A trailing newline is not a piece; a line may carry "piece<TAB>score" as spm_export_vocab writes it.
        var pieces = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string line = lines[i];
            int tab = line.IndexOf('\t');
            pieces.Add(tab >= 0 ? line[..tab] : line);
        }

        return new TokenTable(pieces, bosId, eosId, padId, unkId);
    }

    /// <summary>The text of a token sequence, leading space trimmed.</summary>
    public string Detokenize(ReadOnlySpan<int> ids)
    {
        var detokenizer = new Detokenizer(this);
        foreach (int id in ids)
        {
            detokenizer.Append(id);
        }

        return detokenizer.Text;
    }

    public string Detokenize(IEnumerable<int> ids) => Detokenize([.. ids]);

    /// <summary>The byte of a &lt;0xNN&gt; byte-fallback piece, or -1.</summary>
    internal int ByteValue(int id) => _byteValue[CheckId(id)];

    /// <summary>How a non-byte piece reads: ▁ as a space, control pieces as nothing, unk as " ⁇ ".</summary>
    internal string Render(int id) =>
        _control[CheckId(id)] ? string.Empty
        : id == _unkId ? UnknownText
        : _pieces[id].Replace(WordBoundary, ' ');

    private int CheckId(int id) => (uint)id < (uint)_pieces.Length
        ? id
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id outside the vocabulary of {_pieces.Length}.");

    private static int ParseBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte value)
            ? value
            : -1;
}
