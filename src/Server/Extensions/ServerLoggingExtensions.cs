using Serilog;
using Serilog.Formatting.Compact;

namespace LeaPformer.Server.Extensions;

public static class ServerLoggingExtensions
{
    /// <summary>Configuration key: "text" (default) or "json" (one CLEF object per line, every property included).</summary>
    public const string FormatKey = "Serilog:Format";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog as the only logging provider, structured events, to the console as text or as
    /// JSON (Serilog:Format). Levels come from the "Serilog" configuration section, and so do
    /// sinks when Serilog:WriteTo is set (then Serilog:Format is not used). Any
    /// <c>ILogEventSink</c> registered in DI also receives events (the functional tests capture
    /// logs that way). Log scopes become properties: every line of a call carries its StreamId.
    /// </summary>
    public static IHostApplicationBuilder AddServerLogging(this IHostApplicationBuilder builder)
    {
        var format = builder.Configuration[FormatKey] ?? "text";
        if (!format.Equals("text", StringComparison.OrdinalIgnoreCase) && !format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{FormatKey} must be 'text' or 'json', not '{format}'.");
        }

        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();

            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                if (format.Equals("json", StringComparison.OrdinalIgnoreCase))
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                }
                else
                {
                    logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }, preserveStaticLogger: true); // each host logs through its own logger, never the process-wide Log.Logger
                                        // (with several hosts in one process, as in the tests, the last one built would get every host's events)
        return builder;
    }
}
