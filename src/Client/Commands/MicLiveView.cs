using System.Globalization;
using LeaPformer.Client.Capture;
using LeaPformer.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>mic</c> on a terminal: a Spectre.Console live display of the source, server and k, the
/// finished segments (index, start time, text), and the current segment's text as it grows.
/// Responses arrive on the reader task; the display redraws from a snapshot every 100 ms.
/// </summary>
internal sealed class MicLiveView(IAnsiConsole console, MicHeader header) : IMicView
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly List<(int Index, long StartMs, string Text)> _finished = [];
    private (int Index, long StartMs, string Text)? _current;
    private bool _stopping;

    public async Task<LiveOutcome> RunAsync(Func<Task<LiveOutcome>> session)
    {
        return await console.Live(Render())
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .Cropping(VerticalOverflowCropping.Top)
            .StartAsync(async context =>
            {
                var work = session();
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(RefreshInterval));
                    context.UpdateTarget(Render());
                }

                return await work;
            });
    }

    public void OnResponse(StreamingTranslateResponse response)
    {
        if (response.Result is not { } result)
        {
            return;
        }

        lock (_lock)
        {
            if (result.IsFinal)
            {
                _finished.Add((result.SegmentIndex, result.SegmentStartMs, result.Text));
                _current = null;
            }
            else
            {
                _current = (result.SegmentIndex, result.SegmentStartMs, result.Text);
            }
        }
    }

    public void OnStopping()
    {
        lock (_lock)
        {
            _stopping = true;
        }
    }

    public void Summary(LiveOutcome outcome) => console.MarkupLine($"[grey]{Markup.Escape(MicSummary.Describe(outcome))}[/]");

    /// <summary>The display as it is now.</summary>
    internal IRenderable Render()
    {
        lock (_lock)
        {
            var rows = new List<IRenderable>
            {
                new Markup($"[bold]leapformer mic[/]  {Markup.Escape(header.Source)} [grey]->[/] {Markup.Escape(header.Server.ToString())}"),
                new Markup($"[grey]model[/] {Markup.Escape(header.Model)}  [grey]k =[/] {Markup.Escape(header.WaitK)}"),
            };

            if (_finished.Count > 0)
            {
                // Keep the newest segments on screen; the header and the current segment need about 10 lines.
                var shown = Math.Max(3, console.Profile.Height - 10);
                var table = new Table().Border(TableBorder.Simple).Expand()
                    .AddColumn(new TableColumn("#").RightAligned())
                    .AddColumn(new TableColumn("start").RightAligned())
                    .AddColumn(new TableColumn("translation"));
                if (_finished.Count > shown)
                {
                    table.AddRow(new Text(""), new Text(""), new Text($"({_finished.Count - shown} earlier)", new Style(Color.Grey)));
                }

                foreach (var (index, startMs, text) in _finished.Skip(Math.Max(0, _finished.Count - shown)))
                {
                    table.AddRow(new Text(index.ToString(CultureInfo.InvariantCulture)), new Text(Seconds(startMs)), new Text(text));
                }

                rows.Add(table);
            }

            var (title, body) = _current is { } current
                ? ($"segment #{current.Index.ToString(CultureInfo.InvariantCulture)} at {Seconds(current.StartMs)}", current.Text + "▌")
                : ("listening", "");
            rows.Add(new Panel(new Text(body)).Header(title).Expand());
            rows.Add(_stopping
                ? new Markup("[yellow]stopping: waiting for the final result[/]")
                : new Markup("[grey]Ctrl+C to stop[/]"));
            return new Rows(rows);
        }
    }

    private static string Seconds(long ms) => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.00} s");
}
