using LeaPformer.Client.Compare;
using LeaPformer.Evaluation;

namespace LeaPformer.UnitTests.Client;

/// <summary><c>compare</c>'s pairing of two instances.log files: same indices, same references, or a clear refusal.</summary>
public sealed class PairedLogsTests
{
    [Fact]
    public void Pairs_the_instances_by_index_in_index_order()
    {
        var baseline = new[] { Instance(0, "hola", "hola mundo"), Instance(1, "adiós", "adiós amigo"), Instance(2, "sí", "sí señor") };
        var system = new[] { Instance(2, "sí señor", "sí señor"), Instance(0, "hola mundo", "hola mundo"), Instance(1, "adiós", "adiós amigo") };

        var logs = PairedLogs.Pair(baseline, system);

        Assert.Equal(["hola", "adiós", "sí"], logs.Baseline);
        Assert.Equal(["hola mundo", "adiós", "sí señor"], logs.System);
        Assert.Equal(["hola mundo", "adiós amigo", "sí señor"], logs.References);
    }

    [Fact]
    public void Different_indices_are_refused_naming_them()
    {
        var baseline = new[] { Instance(0, "a", "r0"), Instance(1, "b", "r1"), Instance(2, "c", "r2") };
        var system = new[] { Instance(0, "a", "r0"), Instance(3, "d", "r3") };

        var e = Assert.Throws<CompareException>(() => PairedLogs.Pair(baseline, system));

        Assert.Equal(
            "the logs hold different instances (indices 1, 2 only in the baseline, index 3 only in the system); compare needs both systems on the same test set.",
            e.Message);
    }

    [Fact]
    public void Different_references_are_refused_showing_the_first()
    {
        var baseline = new[] { Instance(0, "a", "hola"), Instance(1, "b", "adiós") };
        var system = new[] { Instance(0, "a", "hola"), Instance(1, "b", "adios") };

        var e = Assert.Throws<CompareException>(() => PairedLogs.Pair(baseline, system));

        Assert.Equal(
            "the references differ at index 1 (instance 1: baseline 'adiós', system 'adios'); compare needs both systems scored against the same references.",
            e.Message);
    }

    [Fact]
    public void Repeated_indices_empty_logs_and_missing_references_are_refused()
    {
        var one = new[] { Instance(0, "a", "r") };

        var twice = Assert.Throws<CompareException>(() => PairedLogs.Pair(one, [Instance(0, "a", "r"), Instance(0, "b", "r")]));
        var empty = Assert.Throws<CompareException>(() => PairedLogs.Pair([], one));
        var unreferenced = Assert.Throws<CompareException>(() => PairedLogs.Pair([Instance(4, "a", "")], [Instance(4, "b", "")]));

        Assert.Equal("the system log holds index 0 twice.", twice.Message);
        Assert.Equal("the baseline log holds no instances.", empty.Message);
        Assert.Equal("no reference at index 4; BLEU needs one for every instance.", unreferenced.Message);
    }

    [Fact]
    public void Many_differences_are_counted_and_the_first_shown()
    {
        var baseline = Enumerable.Range(0, 10).Select(i => Instance(i, "a", "r")).ToArray();
        var system = Enumerable.Range(0, 10).Select(i => Instance(i, "a", i < 3 ? "r" : "x")).ToArray();

        var e = Assert.Throws<CompareException>(() => PairedLogs.Pair(baseline, system));

        Assert.StartsWith("the references differ at 7 indices (3, 4, 5, 6, 7, ...) (instance 3: baseline 'r', system 'x')", e.Message, StringComparison.Ordinal);
    }

    private static EvaluatedInstance Instance(int index, string prediction, string reference)
    {
        var delays = prediction.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(_ => 100.0).ToArray();
        return new EvaluatedInstance(index, $"{index}.wav", prediction, reference, delays, delays, 1000);
    }
}
