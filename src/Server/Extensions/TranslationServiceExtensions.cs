using LeaPformer.Server.Internal;
using LeaPformer.Server.Options;
using LeaPformer.Server.Services;
using LeaPformer.Streaming;

namespace LeaPformer.Server.Extensions;

public static class TranslationServiceExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:50051";

    /// <summary>
    /// gRPC, the validated options, and the model: one <see cref="Translator"/> per process (in <see cref="LoadedModel"/>),
    /// loaded while the host starts so that a missing or bad bundle stops the server at once.
    /// </summary>
    public static IHostApplicationBuilder AddTranslationService(this IHostApplicationBuilder builder)
    {
        // 50051 is gRPC's customary port and the client's default; --urls, ASPNETCORE_URLS and
        // Kestrel:Endpoints still win. (An appsettings "Urls" would override ASPNETCORE_URLS.)
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.Configuration["urls"] = DefaultUrl;
        }

        builder.Services.AddOptions<ModelOptions>()
            .BindConfiguration(ModelOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddGrpc();
        builder.Services.AddSingleton<LoadedModel>(ModelLoader.Load);
        builder.Services.AddSingleton<StreamLimiter>();
        builder.Services.AddHostedService<ModelWarmupService>();
        return builder;
    }

    public static WebApplication MapTranslationService(this WebApplication app)
    {
        app.MapGrpcService<TranslatorService>();
        return app;
    }

    /// <summary>
    /// Runs the server. A failure to start is logged as one clear line and the process exits
    /// with code 1; a host running the app in process (WebApplicationFactory) gets the exception.
    /// </summary>
    public static async Task RunOrReportAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception ex) // a bad bundle, bad options, a port in use
        {
            ServerLog.StartupFailed(app.Logger, ex.Message);
            if (System.Reflection.Assembly.GetEntryAssembly() != typeof(TranslationServiceExtensions).Assembly)
            {
                // In process: the test host still reads app.Services, and disposes the app itself.
                throw;
            }

            Environment.ExitCode = 1;
            await app.DisposeAsync();
            await Serilog.Log.CloseAndFlushAsync();
            return;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        await Serilog.Log.CloseAndFlushAsync();
    }
}
