namespace LeaPformer.Client.Compare;

/// <summary>The two logs cannot be compared (unreadable, or not the same test set); the message says why.</summary>
internal sealed class CompareException(string message, Exception? inner = null) : Exception(message, inner);
