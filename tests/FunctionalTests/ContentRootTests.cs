using LeaPformer.Server.Hosting;

namespace LeaPformer.FunctionalTests;

/// <summary>
/// Where the server looks for its appsettings.json when started by hand. (tests/readme.sh starts the
/// real process from the repository root as the README does; these pin the rule itself.)
/// </summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("leapformer-contentroot-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("--contentRoot", "out/app")]
    [InlineData("--contentRoot=out/app", null)]
    public void ARelativeContentRootIsTakenFromTheCurrentDirectory(string arg, string? value)
    {
        string[] args = value is null ? [arg] : [arg, value];

        var root = ContentRoot.Resolve(args, currentDirectory: _scratch, appDirectory: "/elsewhere");

        Assert.Equal(Path.Combine(_scratch, "out", "app"), root);
    }

    [Fact]
    public void AnAbsoluteContentRootIsLeftToTheHost()
        => Assert.Null(ContentRoot.Resolve(["--contentRoot", _scratch], currentDirectory: "/", appDirectory: "/elsewhere"));

    [Fact]
    public void WithoutOneTheDllsFolderIsUsedWhenTheCurrentDirectoryHasNoSettings()
    {
        var app = Directory.CreateDirectory(Path.Combine(_scratch, "bin")).FullName;
        var repository = Directory.CreateDirectory(Path.Combine(_scratch, "repository")).FullName;
        File.WriteAllText(Path.Combine(app, ContentRoot.SettingsFile), "{}");

        Assert.Equal(app, ContentRoot.Resolve(["--urls", "http://127.0.0.1:50051"], currentDirectory: repository, appDirectory: app));

        // A current directory with its own appsettings.json (the output folder, a container's /app) is kept.
        File.WriteAllText(Path.Combine(repository, ContentRoot.SettingsFile), "{}");
        Assert.Null(ContentRoot.Resolve([], currentDirectory: repository, appDirectory: app));
    }
}
