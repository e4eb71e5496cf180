namespace LeaPformer.Evaluation;

/// <summary>
/// sacreBLEU's smoothing methods (Chen and Cherry, 2014), applied to n-gram orders with no match.
/// </summary>
public enum BleuSmoothing
{
    /// <summary><c>none</c>: a zero precision makes BLEU 0.</summary>
    None,

    /// <summary><c>floor</c> (method 1): a zero match count becomes the smoothing value (default 0.1).</summary>
    Floor,

    /// <summary><c>add-k</c> (method 2): k (default 1) added to matches and totals for n &gt; 1.</summary>
    AddK,

    /// <summary><c>exp</c> (method 3, mteval-v13a's NIST smoothing): sacreBLEU's default.</summary>
    Exp,
}
