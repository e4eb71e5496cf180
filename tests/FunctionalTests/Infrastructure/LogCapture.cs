using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace LeaPformer.FunctionalTests.Infrastructure;

/// <summary>Every Serilog event the in-process server wrote (registered in DI; picked up by ReadFrom.Services).</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>A mark to pass to <see cref="ErrorsSince"/>.</summary>
    public int Mark => _events.Count;

    public IReadOnlyList<LogEvent> ErrorsSince(int mark)
        => _events.Skip(mark).Where(e => e.Level >= LogEventLevel.Error).ToList();

    public IReadOnlyList<LogEvent> EventsSince(int mark) => _events.Skip(mark).ToList();

    public static string Describe(IEnumerable<LogEvent> events)
        => string.Join(Environment.NewLine, events.Select(e => $"{e.Level}: {e.RenderMessage()} {e.Exception}"));
}
