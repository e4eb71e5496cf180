namespace LeaPformer.Server.Models;

/// <summary>Set once the model is loaded and one stream has run through it (ONNX sessions initialized, buffers allocated).</summary>
internal sealed class ModelReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
