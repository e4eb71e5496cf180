using LeaPformer.Client.Translation;

namespace LeaPformer.Client.Capture;

/// <summary>How a live stream ended.</summary>
/// <param name="Translation">Everything the server sent.</param>
/// <param name="Stopped">The user stopped it (Ctrl+C); false = the input ended by itself.</param>
/// <param name="Complete">The server ended the stream with OK after its final result; false = the final result did not come in time after a stop.</param>
internal sealed record LiveOutcome(TranslationOutcome Translation, bool Stopped, bool Complete);
