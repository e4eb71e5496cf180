using Grpc.AspNetCore.Server;
using LeaPformer.Server.Auth;
using LeaPformer.Server.Calls;
using LeaPformer.Server.Hosting;
using LeaPformer.Server.Models;
using LeaPformer.Server.Options;
using LeaPformer.Server.Services;
using LeaPformer.Streaming;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Extensions;

public static class TranslationServiceExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:50051";

    /// <summary>
    /// gRPC, the validated options, the model (one <see cref="TranslationEngine"/> per process, in
    /// <see cref="LoadedModel"/>, loaded and warmed up while the host starts so that a missing or bad
    /// bundle stops the server at once), endpointing, the runaway guard and batched decoding, API keys, limits,
    /// graceful shutdown and the browser demo.
    /// </summary>
    public static IHostApplicationBuilder AddTranslationService(this IHostApplicationBuilder builder)
    {
        builder.ConfigureEndpoints();

        builder.Services.AddOptions<ModelOptions>()
            .BindConfiguration(ModelOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        // Endpointing, Runaway and Batching: the runtime's options records are bound directly, and
        // checked by their own rules; the server adds only the keys that are its own.
        AddCheckedOptions<EndpointOptions>(builder.Services, SpeechDetectorOptions.SectionName, o => o.Problems());
        AddCheckedOptions<SpeechDetectorOptions>(builder.Services, SpeechDetectorOptions.SectionName, o => o.Problems());
        AddCheckedOptions<RunawayGuardOptions>(builder.Services, RunawayGuardSection, o => o.Problems());
        AddCheckedOptions<BatchDecodingOptions>(builder.Services, BatchingOptions.SectionName, o => o.Problems());
        builder.Services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.SectionName);

        builder.Services.AddGrpc(options => options.EnableDetailedErrors = false)
            .AddServiceOptions<TranslatorService>(options =>
            {
                // Outermost first: the log scope and the status count wrap the key check.
                options.Interceptors.Add<CallObservabilityInterceptor>();
                options.Interceptors.Add<ApiKeyInterceptor>();
            });
        builder.Services.AddOptions<GrpcServiceOptions>()
            .Configure<IOptions<StreamingOptions>>((grpc, streaming) => grpc.MaxReceiveMessageSize = streaming.Value.MaxMessageBytes);

        // Host shutdown waits for the drain delay or the grace period plus the time to finalize, whichever is longer, plus a margin.
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<StreamingOptions>>((host, streaming) =>
            {
                var streams = streaming.Value.ShutdownGracePeriod + ShutdownCoordinator.FinalizeAllowance;
                var needed = (streams > streaming.Value.ShutdownDrainDelay ? streams : streaming.Value.ShutdownDrainDelay) + TimeSpan.FromSeconds(5);
                if (host.ShutdownTimeout < needed)
                {
                    host.ShutdownTimeout = needed;
                }
            });

        builder.Services.AddSingleton<LoadedModel>(ModelLoader.Load);
        builder.Services.AddSingleton<LoadedSpeechDetector>(LoadedSpeechDetector.Load);
        builder.Services.AddSingleton<SessionFactory>();
        // Created after LoadedModel, so the container disposes it first: at shutdown, after the
        // streams have ended (ShutdownCoordinator), its workers finish and only then the model goes.
        builder.Services.AddSingleton(services => new BatchDecodingService(
            services.GetRequiredService<LoadedModel>().Engine,
            services.GetRequiredService<IOptions<BatchDecodingOptions>>().Value));
        builder.Services.AddSingleton(services => new SessionDecoder(
            services.GetRequiredService<IOptions<BatchingOptions>>().Value.Enabled ? services.GetRequiredService<BatchDecodingService>() : null));
        builder.Services.AddSingleton<ModelReadiness>();
        builder.Services.AddSingleton<StreamLimiter>();
        builder.Services.AddSingleton<ApiKeyRegistry>();
        builder.Services.AddSingleton<ApiKeyGate>();
        builder.Services.AddSingleton<ModelInfoSource>();
        builder.Services.AddSingleton<CallServices>();
        builder.Services.AddSingleton<TranslationCallFactory>();
        builder.Services.AddHostedService<ModelWarmupService>();
        // A hosted service registered after Kestrel's stops before it: holds shutdown until streams end.
        builder.Services.AddSingleton<ShutdownCoordinator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownCoordinator>());

        builder.AddObservability();
        builder.AddWebDemo();
        return builder;
    }

    /// <summary>The configuration section of <see cref="RunawayGuardOptions"/>.</summary>
    public const string RunawayGuardSection = "Runaway";

    private static void AddCheckedOptions<T>(IServiceCollection services, string section, Func<T, IReadOnlyList<OptionProblem>> problems)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new OptionProblemsValidator<T>(section, problems));
    }

    public static WebApplication MapTranslationService(this WebApplication app)
    {
        app.UseMiddleware<UnaryRequestGuard>();
        app.MapGrpcService<TranslatorService>();
        app.MapObservability();
        app.MapWebDemo();
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
            ServerLog.StartupFailed(app.Logger, StartupFailure.Describe(ex, app.Configuration));
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
