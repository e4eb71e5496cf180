namespace LeaPformer.Evaluation;

/// <summary>
/// chrF settings with sacreBLEU's defaults (chrF2): character 6-grams, beta 2, case-sensitive,
/// whitespace removed, effective-order averaging (signature <c>eff:yes</c>). Word n-grams (chrF++)
/// are not ported: the signature always says <c>nw:0</c>.
/// </summary>
public sealed record ChrFOptions
{
    public static ChrFOptions Default { get; } = new();

    public int CharOrder { get; init; } = 6;

    /// <summary>Recall weighs beta times as much as precision.</summary>
    public int Beta { get; init; } = 2;

    public bool Lowercase { get; init; }

    /// <summary>Keep whitespace inside character n-grams (sacreBLEU <c>whitespace=True</c>).</summary>
    public bool Whitespace { get; init; }

    /// <summary>
    /// Average per-order F-scores with chrF++.py's epsilon for empty orders (signature <c>eff:no</c>),
    /// instead of sacreBLEU's default: average precision and recall over the orders both sides have.
    /// </summary>
    public bool EpsSmoothing { get; init; }
}
