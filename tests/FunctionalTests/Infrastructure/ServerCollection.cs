namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>One in-process server (one model load) shared by the tests of this collection, which run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<SharedServer>
{
    public const string Name = "server";
}
