using System.Text.Json;
using LeaPformer.Evaluation;

namespace LeaPformer.UnitTests.Evaluation;

public sealed class OutputWriterTests
{
    private static readonly EvaluatedInstance[] Instances =
    [
        new(0, "/data/wav/0.wav", "¿Qué \"tal\"?", "¿Qué tal?", [280.5, 560], [300.25, 610], 1234.5),
        new(1, "/data/wav/1.wav", "", "Nada.", [], [], 900),
    ];

    [Fact]
    public void Instances_log_is_json_lines_with_simulevals_keys()
    {
        var text = new StringWriter();
        InstancesLogWriter.Write(text, Instances);
        string[] lines = text.ToString().Split('\n');

        Assert.Equal(3, lines.Length); // two objects, each ended by \n
        Assert.Equal(string.Empty, lines[2]);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal(
            ["index", "prediction", "delays", "elapsed", "prediction_length", "reference", "source", "source_length"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, root.GetProperty("index").GetInt32());
        Assert.Equal("¿Qué \"tal\"?", root.GetProperty("prediction").GetString());
        Assert.Equal([280.5, 560], root.GetProperty("delays").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([300.25, 610], root.GetProperty("elapsed").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(2, root.GetProperty("prediction_length").GetInt32());
        Assert.Equal("/data/wav/0.wav", root.GetProperty("source")[0].GetString());
        Assert.Equal(1234.5, root.GetProperty("source_length").GetDouble());
    }

    [Fact]
    public void Instances_log_is_ascii_like_pythons_json_dumps()
    {
        string line = InstancesLogWriter.ToJson(Instances[0]);
        Assert.All(line, c => Assert.True(c < 128, $"non-ASCII {c}"));
        Assert.Contains("\\u00BFQu\\u00E9", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Instances_log_reads_back_to_the_same_instances()
    {
        var text = new StringWriter();
        InstancesLogWriter.Write(text, Instances);
        var read = InstancesLogReader.Read(new StringReader(text.ToString()));

        Assert.Equal(Instances.Length, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(Instances[i].Index, read[i].Index);
            Assert.Equal(Instances[i].SourcePath, read[i].SourcePath);
            Assert.Equal(Instances[i].Prediction, read[i].Prediction);
            Assert.Equal(Instances[i].Reference, read[i].Reference);
            Assert.Equal(Instances[i].DelaysMs, read[i].DelaysMs);
            Assert.Equal(Instances[i].ElapsedMs, read[i].ElapsedMs);
            Assert.Equal(Instances[i].SourceLengthMs, read[i].SourceLengthMs);
        }
    }

    [Fact]
    public void A_simuleval_speech_log_line_reads()
    {
        // SimulEval's speech input writes "source" as soundfile's info lines, the path first.
        const string line = "{\"index\": 3, \"prediction\": \"Hola mundo\", \"delays\": [320.0, 640.0], \"elapsed\": [400.1, 700.2], "
            + "\"prediction_length\": 2, \"reference\": \"Hola a todos\", \"source\": [\"/d/3.wav\", \"samplerate: 16000 Hz\", \"channels: 1\"], "
            + "\"source_length\": 1520.0}";
        var instance = InstancesLogReader.Parse(line);
        Assert.Equal(3, instance.Index);
        Assert.Equal("/d/3.wav", instance.SourcePath);
        Assert.Equal(3, instance.ReferenceLength);
        Assert.Equal([320.0, 640.0], instance.DelaysMs);
    }

    [Fact]
    public void A_bad_line_names_its_line_number()
    {
        var e = Assert.Throws<FormatException>(() => InstancesLogReader.Read(new StringReader("\n{\"index\": 0}\n")));
        Assert.StartsWith("instances.log line 2:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_tsv_is_a_header_and_one_row_rounded_to_three_decimals()
    {
        var bleu = SacreBleu.Corpus(["a b c d"], ["a b c d"]);
        var chrf = ChrF.Corpus(["a b c d"], ["a b c d"]);
        var scores = new EvaluationScores(
            bleu,
            chrf,
            new LatencyScores(AL: 850.0 / 3, LAAL: 1200, DAL: 0.0625, AP: 0.65),
            new LatencyScores(AL: double.NaN, LAAL: 1300.4444, DAL: 2.675, AP: 0.7),
            InstanceCount: 1,
            LatencyInstanceCount: 1);

        var text = new StringWriter();
        ScoresTsvWriter.Write(text, scores);

        Assert.Equal(
            "BLEU\tchrF\tLAAL\tLAAL_CA\tAL\tAL_CA\tAP\tAP_CA\tDAL\tDAL_CA\n"
            + "100.0\t100.0\t1200.0\t1300.444\t283.333\t\t0.65\t0.7\t0.062\t2.675\n",
            text.ToString());
    }
}
