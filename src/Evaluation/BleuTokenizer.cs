namespace LeaPformer.Evaluation;

/// <summary>The sacreBLEU tokenizers this port implements.</summary>
public enum BleuTokenizer
{
    /// <summary><c>13a</c>, sacreBLEU's default: mteval-v13a.pl punctuation splitting.</summary>
    Mteval13a,

    /// <summary><c>none</c>: split on whitespace only (text already tokenized).</summary>
    None,
}
