using System.Text.Json;
using Google.Protobuf;
using LeaPformer.Contracts.V1;
using LeaPformer.Server.Calls;

namespace LeaPformer.Server.WebSockets;

/// <summary>
/// A text message from the browser: <c>{"config": {...}, "apiKey": "..."}</c> (the first message;
/// "config" is a StreamingTranslateConfig in protobuf's JSON mapping, "apiKey" only where the
/// server requires keys) or <c>{"end": true}</c> (half-close: no more audio). Audio travels in
/// binary messages, never as text.
/// </summary>
internal sealed record ClientMessage(StreamingTranslateConfig? Config, string? ApiKey, bool End)
{
    private const string Shape =
        "A text message must be a JSON object: {\"config\": {...}} first (with \"apiKey\" where the server requires one), " +
        "{\"end\": true} to end the input; audio goes in binary messages.";

    /// <summary>Parses one UTF-8 text message; a <see cref="CallEndedException"/> (InvalidInput) says what is wrong with it.</summary>
    public static ClientMessage Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException ex)
        {
            throw Invalid($"A text message is not valid JSON ({ex.Message}). {Shape}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(Shape);
            }

            StreamingTranslateConfig? config = null;
            string? apiKey = null;
            var end = false;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "config" when property.Value.ValueKind == JsonValueKind.Object:
                        config = ParseConfig(property.Value.GetRawText());
                        break;
                    case "apiKey" when property.Value.ValueKind == JsonValueKind.String:
                        apiKey = property.Value.GetString();
                        break;
                    case "end" when property.Value.ValueKind == JsonValueKind.True:
                        end = true;
                        break;
                    default:
                        throw Invalid($"Unexpected \"{property.Name}\" ({property.Value.ValueKind}) in a text message. {Shape}");
                }
            }

            if ((config is not null) == end) // exactly one of the two
            {
                throw Invalid(Shape);
            }

            return new ClientMessage(config, apiKey, end);
        }
    }

    private static StreamingTranslateConfig ParseConfig(string json)
    {
        try
        {
            return JsonParser.Default.Parse<StreamingTranslateConfig>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw Invalid(
                $"The config is not a valid StreamingTranslateConfig ({ex.Message}). Its fields: encoding (\"LINEAR16\" or \"FLOAT32\"), " +
                "sampleRateHertz, audioChannelCount, sourceLanguageCode, targetLanguageCode, waitK, singleUtterance.");
        }
    }

    private static CallEndedException Invalid(string message) => new(CallOutcome.Invalid(message));
}
