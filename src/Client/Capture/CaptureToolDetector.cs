namespace LeaPformer.Client.Capture;

/// <summary>Finds the first of <see cref="CaptureTool.Names"/> on a search path.</summary>
internal static class CaptureToolDetector
{
    /// <param name="searchPath">A PATH value (directories separated by <see cref="Path.PathSeparator"/>); null = this process's PATH.</param>
    /// <returns>The first tool found, or null when there is none.</returns>
    public static CaptureTool? Find(string? searchPath = null)
    {
        var directories = (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in CaptureTool.Names)
        {
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? name + ".exe" : name);
                if (IsExecutable(candidate))
                {
                    return new CaptureTool(name, candidate);
                }
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
