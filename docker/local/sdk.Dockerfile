# Stand-in for mcr.microsoft.com/dotnet/sdk:10.0 where no container registry is reachable:
# the local Debian base plus the build machine's own .NET SDK (the build context is its
# install folder, e.g. /usr/share/dotnet). Built by docker/local/build.sh.
ARG BASE_IMAGE=leapformer/base:bookworm
FROM ${BASE_IMAGE}
# The base has no ICU (the server and the CLI are built with InvariantGlobalization); the SDK
# itself needs ICU unless told to run invariant. No OCSP/CRL responder may be reachable from a
# closed network: NuGet checks package signatures offline.
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 NUGET_CERT_REVOCATION_MODE=offline \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY . /usr/share/dotnet/
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --version
