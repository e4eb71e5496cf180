namespace LeaPformer.Client.Bench;

/// <summary>
/// Reads the server's Prometheus endpoint before and after a run, and once a second during it for the
/// peaks (working set, active streams) that a before/after pair would miss.
/// </summary>
internal sealed class MetricsScraper(HttpClient http, Uri url)
{
    public const string WorkingSet = "process_working_set_bytes";
    public const string ActiveStreams = "leapformer_active_streams";

    public Uri Url { get; } = url;

    /// <summary>Why the last scrape failed; null after a good one.</summary>
    public string? LastError { get; private set; }

    /// <returns>Null when the endpoint did not answer with metrics (<see cref="LastError"/> says why).</returns>
    public async Task<MetricsSnapshot?> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var text = await http.GetStringAsync(Url, timeout.Token);
            var snapshot = MetricsSnapshot.Parse(text);
            LastError = null;
            return snapshot;
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LastError = ex.Message;
            return null;
        }
    }

    /// <summary>Scrapes every <paramref name="interval"/> until <paramref name="cancellationToken"/> fires; returns the peaks seen.</summary>
    public async Task<MetricsPeaks> SampleAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        double workingSet = 0, streams = 0;
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                if (await ScrapeAsync(cancellationToken) is { } snapshot)
                {
                    workingSet = Math.Max(workingSet, snapshot.Value(WorkingSet) ?? 0);
                    streams = Math.Max(streams, snapshot.Value(ActiveStreams) ?? 0);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }

        return new MetricsPeaks(workingSet, streams);
    }
}

/// <summary>The largest values seen while sampling (0 when never scraped).</summary>
internal sealed record MetricsPeaks(double WorkingSetBytes, double ActiveStreams);
