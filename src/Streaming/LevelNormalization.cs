namespace LeaPformer.Streaming;

/// <summary>
/// The level normalisation a bundle's front end applies to the raw filterbank before CMVN
/// (<c>cmvn.json</c> key <c>level_norm</c>, docs/bundle.md "Front end").
/// </summary>
public enum LevelNormalization
{
    /// <summary><c>"none"</c> (or no key): CMVN of the raw filterbank, as every bundle before the key.</summary>
    None,

    /// <summary><c>"peak"</c>: each frame minus a causal, slowly decaying peak of the frame level, so a gain of the audio cancels.</summary>
    Peak,
}
