using LeaPformer.Server.Options;
using LeaPformer.Server.WebSockets;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Extensions;

/// <summary>The browser demo: the page (wwwroot, embedded in the server), /api/model-info and the /ws/translate bridge.</summary>
internal static class WebDemoExtensions
{
    /// <summary>Where the page's files are embedded (LogicalName in the .csproj), so they go wherever the server's DLL goes.</summary>
    private const string AssetsNamespace = "LeaPformer.Server.wwwroot";

    public static IHostApplicationBuilder AddWebDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebOptions>()
            .BindConfiguration(WebOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        builder.Services.AddSingleton<WebSocketTranslateHandler>();
        builder.Services.AddSingleton<ModelInfoEndpoint>();
        return builder;
    }

    /// <summary>
    /// Serves the demo on the Web endpoint only (requests are told apart by the local port, as the
    /// metrics port is; a Host header proves nothing), or on every endpoint when Web:Url is empty.
    /// </summary>
    public static WebApplication MapWebDemo(this WebApplication app)
    {
        var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        if (!web.Enabled)
        {
            return app;
        }

        if (EndpointExtensions.WebPort(app.Configuration, web) is { } port)
        {
            app.MapWhen(http => http.Connection.LocalPort == port, branch => UseWebDemo(branch, app.Services));
        }
        else
        {
            UseWebDemo(app, app.Services);
        }

        return app;
    }

    private static void UseWebDemo(IApplicationBuilder app, IServiceProvider services)
    {
        var translate = services.GetRequiredService<WebSocketTranslateHandler>();
        var info = services.GetRequiredService<ModelInfoEndpoint>();
        var files = new EmbeddedFileProvider(typeof(WebDemoExtensions).Assembly, AssetsNamespace);

        app.UseWebSockets();
        app.Map(WebSocketTranslateHandler.Path, ws => ws.Run(translate.HandleAsync));
        app.Map(ModelInfoEndpoint.Path, api => api.Run(info.HandleAsync));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers.CacheControl = "no-cache"; // revalidate: a new server version brings a new page
                headers.XContentTypeOptions = "nosniff";
                // Scripts and styles from this server only; the page talks to this server only (ws: and wss: included).
                headers.ContentSecurityPolicy = "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
            },
        });
    }
}
