namespace LeaPformer.Policy;

/// <summary>What a simultaneous policy wants next: more source, or one more target token.</summary>
public enum PolicyAction
{
    Read,
    Write,
}
