# Adds the build machine's local trust anchors (the context: a copy of its
# /usr/local/share/ca-certificates, e.g. the CA of a TLS-inspecting proxy in front of NuGet) to an
# image, so that the restore inside `docker build` trusts what the machine's own `dotnet restore`
# trusts. Built by docker/local/build.sh on every run (Docker's cache makes it instant when the
# certificates are unchanged).
ARG FROM_IMAGE
FROM ${FROM_IMAGE}
COPY . /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
