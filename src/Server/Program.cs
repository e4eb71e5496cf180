using LeaPformer.Server.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServerLogging();
builder.AddTranslationService();

var app = builder.Build();
app.MapTranslationService();

// A bad model bundle or bad options stop the server here, with the reason logged.
await app.RunOrReportAsync();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
