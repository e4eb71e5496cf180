using System.CommandLine;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace LeaPformer.Client.Commands;

/// <summary>
/// <c>leapformer health</c>: one grpc.health.v1 Check, for container health checks and scripts.
/// Exit code 0 when the service is SERVING, 1 otherwise (NOT_SERVING, unknown service, no answer).
/// </summary>
/// <remarks>
/// The image's HEALTHCHECK runs it, so no grpc_health_probe binary has to be fetched. Kubernetes'
/// own <c>grpc</c> probes ask the same service.
/// </remarks>
internal static class HealthCommand
{
    public static Command Create()
    {
        var server = CliApp.ServerOption();
        var service = new Option<string>("--service")
        {
            Description = "The service to ask about: \"\" (the whole server, the default) or leapformer.v1.Translator.",
            DefaultValueFactory = _ => "",
        };
        var timeout = CliApp.TimeoutOption();

        var command = new Command("health", "Ask the server's grpc.health.v1 service; exit 0 only when it is SERVING.") { server, service, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var name = parse.GetValue(service) ?? "";
            using var channel = GrpcChannel.ForAddress(parse.GetRequiredValue(server));
            try
            {
                var response = await new Health.HealthClient(channel).CheckAsync(
                    new HealthCheckRequest { Service = name },
                    deadline: DateTime.UtcNow.AddSeconds(parse.GetValue(timeout)),
                    cancellationToken: cancellationToken);
                stdout.WriteLine(StatusName(response.Status));
                return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? 0 : 1;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                stderr.WriteLine($"error: the server knows no health service named '{name}'.");
                return 1;
            }
            catch (RpcException ex)
            {
                stderr.WriteLine(CliErrors.Line(ex, parse.GetRequiredValue(server)));
                return 1;
            }
        });
        return command;
    }

    /// <summary>The wire name (SERVING, NOT_SERVING, ...), as grpc_health_probe and grpcurl print it.</summary>
    private static string StatusName(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}
