using LeaPformer.Streaming;

namespace LeaPformer.UnitTests.Support;

/// <summary>Loads the test bundle and its golden files once for every test class of the "bundle" collection.</summary>
public sealed class BundleFixture : IDisposable
{
    public BundleFixture()
    {
        Bundle = ModelBundle.Load(TestBundle.Directory);
        Goldens = Golden.LoadAll(TestBundle.GoldenDirectory);
    }

    public ModelBundle Bundle { get; }

    public IReadOnlyList<Golden> Goldens { get; }

    public void Dispose() => Bundle.Dispose();
}
