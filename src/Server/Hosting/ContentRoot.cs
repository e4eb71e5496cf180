namespace LeaPformer.Server.Hosting;

/// <summary>
/// The server's content root (where its appsettings.json is read from), chosen before the host is built.
/// </summary>
/// <remarks>
/// The host resolves a relative <c>--contentRoot</c> against the folder of the DLL, not the shell's
/// current directory (<c>--contentRoot src/Server/bin/...</c> from the repository root crashed with
/// DirectoryNotFoundException), and its default, the current directory, holds no appsettings.json when
/// the server is started from the repository root, so Kestrel would lose its h2c default and gRPC
/// clients would get HTTP_1_1_REQUIRED. So: a relative content root is taken from the current
/// directory, as a shell user means it; with none given, the current directory is kept when it has an
/// appsettings.json (the output folder, the container's /app, <c>dotnet run</c>), else the DLL's own
/// folder, where the build copies appsettings.json.
/// </remarks>
internal static class ContentRoot
{
    public const string SettingsFile = "appsettings.json";

    /// <summary>The content root to give the host, or null to leave the host's own choice alone.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="currentDirectory">The process's current directory.</param>
    /// <param name="appDirectory">The folder of the server's DLL (AppContext.BaseDirectory).</param>
    public static string? Resolve(string[] args, string currentDirectory, string appDirectory)
    {
        // Where the host itself reads it, in its order: DOTNET_ and ASPNETCORE_ variables, then the command line.
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];

        if (!string.IsNullOrEmpty(given))
        {
            return Path.IsPathRooted(given) ? null : Path.GetFullPath(given, currentDirectory);
        }

        if (File.Exists(Path.Combine(currentDirectory, SettingsFile)) || !File.Exists(Path.Combine(appDirectory, SettingsFile)))
        {
            return null;
        }

        return appDirectory;
    }

    /// <summary>The host's options for <paramref name="args"/>, with the content root chosen as above.</summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Resolve(args, Environment.CurrentDirectory, AppContext.BaseDirectory),
    };
}
