# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0: the local Debian base plus the ASP.NET Core
# and .NET runtimes (and the dotnet host) of the local SDK image. Built by docker/local/build.sh.
ARG BASE_IMAGE=leapformer/base:bookworm
ARG SDK_IMAGE=leapformer/sdk-local-bare:10.0
FROM ${SDK_IMAGE} AS sdk
FROM ${BASE_IMAGE}
COPY --from=sdk /usr/share/dotnet/dotnet /usr/share/dotnet/dotnet
COPY --from=sdk /usr/share/dotnet/host/ /usr/share/dotnet/host/
COPY --from=sdk /usr/share/dotnet/shared/Microsoft.NETCore.App/ /usr/share/dotnet/shared/Microsoft.NETCore.App/
COPY --from=sdk /usr/share/dotnet/shared/Microsoft.AspNetCore.App/ /usr/share/dotnet/shared/Microsoft.AspNetCore.App/
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --list-runtimes
ENV DOTNET_ROOT=/usr/share/dotnet
