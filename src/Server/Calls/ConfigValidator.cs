using LeaPformer.Contracts.V1;
using LeaPformer.Streaming;

namespace LeaPformer.Server.Calls;

/// <summary>Checks a stream's config against the wire contract and the loaded model.</summary>
internal static class ConfigValidator
{
    /// <summary>A human sentence saying what is wrong with a stream's first message, or null when it carries a usable config.</summary>
    public static string? ValidateFirst(StreamingTranslateRequest first, ModelMetadata model) => first.StreamingRequestCase switch
    {
        StreamingTranslateRequest.StreamingRequestOneofCase.Config => Validate(first.Config, model),
        StreamingTranslateRequest.StreamingRequestOneofCase.AudioContent => "Audio before config: the first message must carry the config.",
        _ => "An empty first message: the first message must carry the config.",
    };

    /// <summary>A human sentence saying what is wrong, or null when the config is usable.</summary>
    public static string? Validate(StreamingTranslateConfig config, ModelMetadata model)
    {
        if (config.Encoding is not (AudioEncoding.Linear16 or AudioEncoding.Float32))
        {
            return $"encoding must be LINEAR16 or FLOAT32, not {config.Encoding}.";
        }

        if (config.AudioChannelCount is not (0 or 1))
        {
            return $"Only mono audio is supported (audio_channel_count 1), not {config.AudioChannelCount} channels.";
        }

        foreach (var (field, code) in new[] { ("source_language_code", config.SourceLanguageCode), ("target_language_code", config.TargetLanguageCode) })
        {
            if (code.Length > 0 && !IsLanguageTag(code))
            {
                var shown = code.Length > 40 ? $"{code[..40]}... ({code.Length} characters)" : code;
                return $"{field} must be a BCP-47 language tag such as \"en\" or \"es-ES\" (at most {MaxLanguageTagLength} characters), or empty for the model's; not '{shown}'.";
            }
        }

        if (!LanguageMatches(config.SourceLanguageCode, model.SourceLanguage)
            || !LanguageMatches(config.TargetLanguageCode, model.TargetLanguage))
        {
            return $"This model translates {model.SourceLanguage} to {model.TargetLanguage}; " +
                $"'{config.SourceLanguageCode}' to '{config.TargetLanguageCode}' is not supported (leave the codes empty for the model's).";
        }

        // wait_k and the rate: the runtime's own rules (TranslationSessionOptions), under the wire's names
        var session = new TranslationSessionOptions(config.WaitK, config.SampleRateHertz);
        if (session.Problems(model).FirstOrDefault() is { } problem)
        {
            var field = problem.Name == nameof(TranslationSessionOptions.WaitK) ? "wait_k" : "sample_rate_hertz";
            return $"{field} {problem.Rule}";
        }

        return null;
    }

    /// <summary>The longest language tag accepted (RFC 5646 section 4.4.1's advice for implementations).</summary>
    public const int MaxLanguageTagLength = 35;

    /// <summary>
    /// A well-formed BCP-47 tag in outline: a primary subtag of 2-8 letters, then subtags of 1-8
    /// letters or digits, joined by '-'; at most <see cref="MaxLanguageTagLength"/> characters.
    /// </summary>
    private static bool IsLanguageTag(string code)
    {
        if (code.Length > MaxLanguageTagLength)
        {
            return false;
        }

        var subtags = code.Split('-');
        return subtags[0].Length is >= 2 and <= 8 && subtags[0].All(char.IsAsciiLetter)
            && subtags.Skip(1).All(s => s.Length is >= 1 and <= 8 && s.All(char.IsAsciiLetterOrDigit));
    }

    /// <summary>Empty means the model's; otherwise BCP-47 primary subtags compare ("en-US" serves "en").</summary>
    private static bool LanguageMatches(string requested, string model)
    {
        if (requested.Length == 0)
        {
            return true;
        }

        return PrimarySubtag(requested).Equals(PrimarySubtag(model), StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<char> PrimarySubtag(string code)
    {
        var dash = code.IndexOfAny(['-', '_']);
        return dash < 0 ? code : code.AsSpan(0, dash);
    }
}
