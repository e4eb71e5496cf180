namespace LeaPformer.Server.Options;

/// <summary>One client credential (an element of Auth:ApiKeys).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who the key belongs to: logged and used as a metric label; never the key itself.</summary>
    public string Name { get; set; } = "";

    /// <summary>The secret, sent as <c>authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>Streams this key may hold at once; 0 = only the server-wide limit applies.</summary>
    public int MaxStreams { get; set; }
}
