namespace LeaPformer.Client.Eval;

/// <summary>An instance could not be evaluated; the message names it.</summary>
/// <param name="badInput">The input was at fault (unreadable audio), not the server.</param>
internal sealed class EvalException(string message, bool badInput, Exception? inner = null) : Exception(message, inner)
{
    public bool BadInput { get; } = badInput;
}
