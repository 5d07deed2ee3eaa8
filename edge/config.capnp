# Local workerd config: the Worker and its Durable Object on 127.0.0.1.
# Port: `--socket-addr http=127.0.0.1:PORT`, or a socket bound beforehand with
# `--socket-fd http=FD` (as tests/conformance/run.sh does); token via the ADMIN_TOKEN
# environment variable.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .timeWorker),
    (name = "do-storage", disk = (path = "/tmp/cuestudio-edge-do", writable = true)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "main") ],
);

const timeWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2026-11-01",
  durableObjectNamespaces = [ (className = "Transport", uniqueKey = "cuestudio-transport") ],
  durableObjectStorage = (localDisk = "do-storage"),
  bindings = [
    (name = "TRANSPORT", durableObjectNamespace = "Transport"),
    (name = "ADMIN_TOKEN", fromEnvironment = "ADMIN_TOKEN"),
  ],
);
