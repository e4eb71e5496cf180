namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>
/// In-process servers shared by the tests of this collection, which run one at a time: the defaults
/// (<see cref="SharedServer"/>) and endpointing off (<see cref="WholeStreamServer"/>); each loads the
/// model when a test first uses it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<SharedServer>, ICollectionFixture<WholeStreamServer>
{
    public const string Name = "server";
}
