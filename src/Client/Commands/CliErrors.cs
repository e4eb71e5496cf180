using System.Net.Sockets;
using Grpc.Core;

namespace LeaPformer.Client.Commands;

/// <summary>The error lines the commands print for a failed call.</summary>
internal static class CliErrors
{
    /// <summary>What a newcomer needs when nothing listens: the two ways the README starts a server.</summary>
    public const string HowToStart =
        "Start one: ./run.sh (builds, starts a server and streams a sample), or from the repository root " +
        "`dotnet src/Server/bin/Release/net10.0/LeaPformer.Server.dll`; or give --server the address of a running one.";

    /// <summary>
    /// "error: ..." for <paramref name="ex"/>. A call that never reached a server (grpc-dotnet's bare
    /// "Error connecting to subchannel.") names the address it tried and how to start a server; any
    /// other status is printed as the server sent it, after <paramref name="context"/>.
    /// </summary>
    public static string Line(RpcException ex, Uri server, string context = "")
        => IsConnectFailure(ex, out var reason)
            ? $"error: no server answers at {server} ({reason}). {HowToStart}"
            : $"error: {context}{ex.StatusCode}: {ex.Status.Detail}";

    /// <summary>UNAVAILABLE because the connection could not be made (refused, no route, unknown host).</summary>
    public static bool IsConnectFailure(RpcException ex, out string reason)
    {
        reason = "";
        if (ex.StatusCode != StatusCode.Unavailable)
        {
            return false;
        }

        for (var inner = ex.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                reason = socket.Message;
                return true;
            }

            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } http)
            {
                reason = http.Message;
                return true;
            }
        }

        return false;
    }
}
