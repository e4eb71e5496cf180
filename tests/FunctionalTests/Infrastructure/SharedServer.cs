namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>The collection fixture: the server with its default settings (endpointing and batching on).</summary>
public sealed class SharedServer : TranslationServerFactory
{
}
