namespace LeaPformer.Streaming;

/// <summary>The parsed <c>metadata_props</c> of a bundle (docs/bundle.md, "Metadata").</summary>
/// <param name="Attention">"leap" (fixed-size states) or "softmax" (the baseline; caches grow).</param>
/// <param name="FrameMs">ms of audio per encoder frame (40).</param>
/// <param name="Subsampling">Feature frames (10 ms) per encoder frame (4).</param>
/// <param name="PreDecision">P: encoder frames per wait-k source unit.</param>
/// <param name="MaxTokensBase">Segment token limit: MaxTokensBase + floor(MaxTokensPerFrame * frames read).</param>
/// <param name="Properties">Every metadata key and value as written, for keys not modelled here.</param>
public sealed record ModelMetadata(
    string ModelName,
    string ModelType,
    int Version,
    string Attention,
    int SampleRate,
    int FeatureDim,
    int Subsampling,
    int FrameMs,
    int PreDecision,
    int DefaultK,
    int KMin,
    int KMax,
    int VocabSize,
    int BosId,
    int EosId,
    int PadId,
    int UnkId,
    string SourceLanguage,
    string TargetLanguage,
    int DModel,
    int NumHeads,
    int HeadDim,
    int EncoderLayers,
    int DecoderLayers,
    int FfnDim,
    double MaxTokensBase,
    double MaxTokensPerFrame,
    IReadOnlyDictionary<string, string> Properties)
{
    public const string ExpectedModelType = "leapformer-s2t";

    /// <summary>The newest bundle contract this runtime serves: 2 = 1 plus cmvn.json's level normalisation.</summary>
    public const int SupportedVersion = 2;

    /// <summary>The oldest bundle contract this runtime serves (docs/bundle.md, "Versions").</summary>
    public const int OldestSupportedVersion = 1;

    /// <summary>True for LeaP attention, whose states have a fixed size.</summary>
    public bool HasFixedSizeStates => Attention == "leap";

    /// <summary>Feature frames per encoder call while streaming: one pre-decision unit (4 * P, 280 ms at P = 7).</summary>
    public int FeatureFramesPerUnit => Subsampling * PreDecision;
}
