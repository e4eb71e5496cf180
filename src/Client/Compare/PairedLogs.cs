using LeaPformer.Evaluation;

namespace LeaPformer.Client.Compare;

/// <summary>
/// Two systems' outputs on one test set, read from their instances.log files and lined up by index:
/// <see cref="Baseline"/>[i], <see cref="System"/>[i] and <see cref="References"/>[i] are one segment.
/// </summary>
internal sealed record PairedLogs(IReadOnlyList<string> Baseline, IReadOnlyList<string> System, IReadOnlyList<string> References)
{
    public const string LogName = "instances.log";

    // Enough differing indices to find the problem, not a screenful.
    private const int ShownIndices = 5;

    /// <summary>A folder means its instances.log.</summary>
    public static string Resolve(FileSystemInfo path) =>
        path is DirectoryInfo folder ? Path.Combine(folder.FullName, LogName) : path.FullName;

    /// <exception cref="CompareException">A log is missing or malformed, or the two are not the same test set.</exception>
    public static PairedLogs Read(string baselinePath, string systemPath) =>
        Pair(ReadLog(baselinePath), ReadLog(systemPath));

    /// <summary>Lines up the instances by index; both must hold the same indices with the same references.</summary>
    /// <exception cref="CompareException">They do not.</exception>
    public static PairedLogs Pair(IReadOnlyList<EvaluatedInstance> baseline, IReadOnlyList<EvaluatedInstance> system)
    {
        var baselineByIndex = ByIndex(baseline, "baseline");
        var systemByIndex = ByIndex(system, "system");
        var onlyBaseline = baselineByIndex.Keys.Except(systemByIndex.Keys).Order().ToList();
        var onlySystem = systemByIndex.Keys.Except(baselineByIndex.Keys).Order().ToList();
        if (onlyBaseline.Count > 0 || onlySystem.Count > 0)
        {
            throw new CompareException(
                $"the logs hold different instances ({Indices(onlyBaseline)} only in the baseline, {Indices(onlySystem)} only in the system); compare needs both systems on the same test set.");
        }

        var indices = baselineByIndex.Keys.Order().ToList();
        var differing = indices.Where(i => baselineByIndex[i].Reference != systemByIndex[i].Reference).ToList();
        if (differing.Count > 0)
        {
            var first = differing[0];
            throw new CompareException(
                $"the references differ at {Indices(differing)} (instance {first}: baseline '{baselineByIndex[first].Reference}', system '{systemByIndex[first].Reference}'); compare needs both systems scored against the same references.");
        }

        var unreferenced = indices.Where(i => baselineByIndex[i].Reference.Length == 0).ToList();
        if (unreferenced.Count > 0)
        {
            throw new CompareException($"no reference at {Indices(unreferenced)}; BLEU needs one for every instance.");
        }

        return new PairedLogs(
            [.. indices.Select(i => baselineByIndex[i].Prediction)],
            [.. indices.Select(i => systemByIndex[i].Prediction)],
            [.. indices.Select(i => baselineByIndex[i].Reference)]);
    }

    private static List<EvaluatedInstance> ReadLog(string path)
    {
        if (!File.Exists(path))
        {
            throw new CompareException($"'{path}' is not a file.");
        }

        try
        {
            return InstancesLogReader.ReadFile(path);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new CompareException($"{path}: {ex.Message}", ex);
        }
    }

    private static Dictionary<int, EvaluatedInstance> ByIndex(IReadOnlyList<EvaluatedInstance> instances, string name)
    {
        if (instances.Count == 0)
        {
            throw new CompareException($"the {name} log holds no instances.");
        }

        var byIndex = new Dictionary<int, EvaluatedInstance>();
        foreach (var instance in instances)
        {
            if (!byIndex.TryAdd(instance.Index, instance))
            {
                throw new CompareException($"the {name} log holds index {instance.Index} twice.");
            }
        }

        return byIndex;
    }

    private static string Indices(List<int> indices) => indices.Count switch
    {
        0 => "no index",
        1 => $"index {indices[0]}",
        <= ShownIndices => $"indices {string.Join(", ", indices)}",
        _ => $"{indices.Count} indices ({string.Join(", ", indices.Take(ShownIndices))}, ...)",
    };
}
