using System.Text;

namespace LeaPformer.Client.Eval;

/// <summary>One row of a fairseq S2T manifest.</summary>
/// <param name="AudioPath">The WAV file, resolved to a full path.</param>
/// <param name="Reference">The row's <c>tgt_text</c>.</param>
internal sealed record ManifestEntry(string Id, string AudioPath, string Reference);

/// <summary>
/// Reads a fairseq speech-to-text manifest: a TSV with a header naming at least <c>id</c>,
/// <c>audio</c> and <c>tgt_text</c> (training/prepare.sh writes
/// <c>id audio n_frames tgt_text speaker src_text</c>). Like fairseq (pandas, QUOTE_NONE) there is
/// no quoting: a field is whatever lies between tabs. A relative audio path is relative to the
/// manifest's folder; fairseq's <c>path:offset:length</c> slices of zipped features are not audio
/// files and are refused.
/// </summary>
internal static class EvalManifest
{
    private static readonly string[] Required = ["id", "audio", "tgt_text"];

    /// <param name="limit">Read only the first rows; null = all.</param>
    /// <exception cref="FormatException">The file is not such a manifest, or a row names no existing audio file.</exception>
    public static IReadOnlyList<ManifestEntry> Read(string path, int? limit = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = reader.ReadLine() ?? throw new FormatException($"{path} is empty: expected a header with {string.Join(", ", Required)}.");
        var columns = header.TrimEnd('\r').Split('\t');
        var index = Required.ToDictionary(name => name, name => Array.IndexOf(columns, name));
        var missing = index.Where(c => c.Value < 0).Select(c => c.Key).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException(
                $"{path}: the header has no {string.Join(", ", missing)} column (a fairseq S2T manifest: id, audio, n_frames, tgt_text, ...; tab-separated).");
        }

        var entries = new List<ManifestEntry>();
        var lineNumber = 1;
        while ((limit is null || entries.Count < limit) && reader.ReadLine() is { } line)
        {
            lineNumber++;
            line = line.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != columns.Length)
            {
                throw new FormatException($"{path} line {lineNumber}: {fields.Length} fields, the header has {columns.Length}.");
            }

            var audio = fields[index["audio"]];
            var audioPath = Path.GetFullPath(audio, folder);
            if (!File.Exists(audioPath))
            {
                throw new FormatException($"{path} line {lineNumber}: audio '{audio}' is not a file ({audioPath}).");
            }

            entries.Add(new ManifestEntry(fields[index["id"]], audioPath, fields[index["tgt_text"]]));
        }

        if (entries.Count == 0)
        {
            throw new FormatException($"{path} has no rows.");
        }

        return entries;
    }
}
