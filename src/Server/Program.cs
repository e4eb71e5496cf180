using LeaPformer.Server.Extensions;
using LeaPformer.Server.Hosting;

// A relative --contentRoot means the shell's current directory; none means wherever appsettings.json is.
var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));
builder.AddServerLogging();
builder.AddTranslationService();

var app = builder.Build();
app.MapTranslationService();

// A bad model bundle or bad options stop the server here, with the reason logged.
await app.RunOrReportAsync();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
