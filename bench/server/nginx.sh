# Sourced by the server benchmarks: writes an nginx config that answers GET /time with the
# given body, headers as the time server's, and no access log.
# Usage: nginx_conf FILE WORKDIR LISTEN BODY WORKERS
nginx_conf() {
  cat >"$1" <<CONF
worker_processes $5;
pid $2/nginx.pid;
error_log $2/nginx-error.log;
events { worker_connections 20000; }
http {
  access_log off;
  server {
    listen $3 reuseport;
    location = /time {
      default_type application/json;
      add_header Cache-Control no-store;
      add_header Access-Control-Allow-Origin *;
      return 200 '$4';
    }
  }
}
CONF
}
