using Serilog;

namespace LeaPformer.Server.Extensions;

public static class ServerLoggingExtensions
{
    /// <summary>
    /// Serilog as the only logging provider: console sink, structured events. Levels and
    /// sinks come from the "Serilog" configuration section; any <c>ILogEventSink</c>
    /// registered in DI also receives events (the functional tests capture logs that way).
    /// </summary>
    public static IHostApplicationBuilder AddServerLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();

            // Run from outside its folder, the server finds no appsettings.json: still log somewhere.
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                logger.WriteTo.Console();
            }
        });
        return builder;
    }
}
