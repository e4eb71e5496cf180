namespace LeaPformer.Server.Models;

/// <summary>The configured model bundle cannot be served; the message names the folder or file.</summary>
internal sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
