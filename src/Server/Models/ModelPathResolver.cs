namespace LeaPformer.Server.Models;

internal static class ModelPathResolver
{
    /// <summary>
    /// The bundle folder for <paramref name="path"/>: as is when absolute; else the first
    /// existing folder of content root, current directory and their ancestors joined with it.
    /// Returns false with the folders it tried when none exists.
    /// </summary>
    public static bool TryResolve(string path, string contentRoot, out string resolved, out IReadOnlyList<string> tried)
        => TryResolve(path, contentRoot, Directory.Exists, out resolved, out tried);

    /// <summary>As the folder lookup, for a file.</summary>
    public static bool TryResolveFile(string path, string contentRoot, out string resolved, out IReadOnlyList<string> tried)
        => TryResolve(path, contentRoot, File.Exists, out resolved, out tried);

    private static bool TryResolve(string path, string contentRoot, Func<string, bool> exists, out string resolved, out IReadOnlyList<string> tried)
    {
        var candidates = new List<string>();
        if (System.IO.Path.IsPathRooted(path))
        {
            candidates.Add(System.IO.Path.GetFullPath(path));
        }
        else
        {
            foreach (var start in new[] { contentRoot, Environment.CurrentDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, path));
                    if (!candidates.Contains(candidate))
                    {
                        candidates.Add(candidate);
                    }
                }
            }
        }

        tried = candidates;
        resolved = candidates.FirstOrDefault(exists) ?? candidates[0];
        return exists(resolved);
    }
}
