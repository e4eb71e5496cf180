namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>The collection fixture: the server with its default settings.</summary>
public sealed class SharedServer : TranslationServerFactory
{
}
