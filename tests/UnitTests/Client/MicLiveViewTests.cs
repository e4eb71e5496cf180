using System.Globalization;
using LeaPformer.Client.Commands;
using LeaPformer.Contracts.V1;
using Spectre.Console;

namespace LeaPformer.UnitTests.Client;

/// <summary><c>mic</c>'s live display, rendered without ANSI codes into a string.</summary>
public sealed class MicLiveViewTests
{
    private static readonly MicHeader Header = new(new Uri("http://127.0.0.1:50051"), "demo-small", "3", "arecord -q -f S16_LE -r 16000 -c 1 -t raw");

    [Fact]
    public void Shows_the_header_the_finished_segments_and_the_growing_one()
    {
        var (console, writer) = Console(height: 40);
        var view = new MicLiveView(console, Header);
        Grow(view, 0, 0, "Hola", "Hola mundo.");
        view.OnResponse(Final(0, 0, "Hola mundo."));
        Grow(view, 1, 3520, "Haré", "Haré más");

        console.Write(view.Render());
        var screen = writer.ToString();

        Assert.Contains("arecord -q -f S16_LE -r 16000 -c 1 -t raw -> http://127.0.0.1:50051/", screen, StringComparison.Ordinal);
        Assert.Contains("model demo-small  k = 3", screen, StringComparison.Ordinal);
        Assert.Matches(@"0\s+0\.00 s\s+Hola mundo\.", screen);
        Assert.Contains("segment #1 at 3.52 s", screen, StringComparison.Ordinal);
        Assert.Contains("Haré más▌", screen, StringComparison.Ordinal);
        Assert.Contains("Ctrl+C to stop", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_the_newest_segments_that_fit_and_counts_the_rest()
    {
        var (console, writer) = Console(height: 15); // room for 5 segments
        var view = new MicLiveView(console, Header);
        for (var i = 0; i < 8; i++)
        {
            view.OnResponse(Final(i, i * 2000L, $"frase [{i}]"));
        }

        view.OnStopping();
        console.Write(view.Render());
        var screen = writer.ToString();

        Assert.Contains("(3 earlier)", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("frase [2]", screen, StringComparison.Ordinal);
        for (var i = 3; i < 8; i++)
        {
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"frase [{i}]"), screen, StringComparison.Ordinal); // markup characters shown as text
        }

        Assert.Contains("listening", screen, StringComparison.Ordinal);
        Assert.Contains("stopping: waiting for the final result", screen, StringComparison.Ordinal);
    }

    private static (IAnsiConsole Console, StringWriter Writer) Console(int height)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 100;
        console.Profile.Height = height;
        return (console, writer);
    }

    private static void Grow(MicLiveView view, int segment, long startMs, params string[] texts)
    {
        foreach (var text in texts)
        {
            view.OnResponse(new StreamingTranslateResponse { Result = new TranslationResult { SegmentIndex = segment, SegmentStartMs = startMs, Text = text } });
        }
    }

    private static StreamingTranslateResponse Final(int segment, long startMs, string text)
        => new() { Result = new TranslationResult { SegmentIndex = segment, SegmentStartMs = startMs, Text = text, IsFinal = true } };
}
