namespace LeaPformer.UnitTests.Support;

/// <summary>Test classes that share one loaded bundle.</summary>
[CollectionDefinition(Name)]
public sealed class BundleCollection : ICollectionFixture<BundleFixture>
{
    public const string Name = "bundle";
}
