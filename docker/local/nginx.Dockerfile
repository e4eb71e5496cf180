# Stand-in for nginx:stable: Debian's nginx (in the local base) run in the foreground, as the
# official image does, reading its server blocks from /etc/nginx/conf.d/*.conf (compose mounts
# docker/nginx/grpc.conf there) and logging to the container's stdout/stderr.
ARG BASE_IMAGE=leapformer/base:bookworm
FROM ${BASE_IMAGE}
RUN rm -f /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && nginx -t
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
