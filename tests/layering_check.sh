#!/usr/bin/env bash
# Fails when a module includes what its layer may not (DESIGN.md: the link graph is the include
# graph). Prints every offending line, then a summary line.
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0
check() {  # check DESCRIPTION PATTERN PATH... : no file under PATH may match PATTERN
  local what=$1 pattern=$2
  shift 2
  local hits
  hits=$(grep -rnE "$pattern" --include='*.h' --include='*.cpp' "$@" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation: $what"
    echo "$hits" | sed 's/^/  /'
    fail=1
  fi
}
# SQLite only in hub/storage.
check "sqlite3.h outside hub/storage" '#include *[<"]sqlite3\.h' hub/core hub/security hub/cli hub/*.cpp hub/*.h adapters routing config
# The core and the rules are standard library only.
check "third-party include in hub/core or routing/rules" '#include *<(boost|rapidjson|mqtt|MQTTAsync|MQTTClient|curl|openssl|sqlite3|catch2)' hub/core routing/rules
# The core knows nothing above it.
check "hub/core includes a higher layer" '#include *"(adapters|config|hub/storage|hub/security|hub/hub)' hub/core
check "routing includes a higher layer" '#include *"(adapters|config|hub/storage|hub/security|hub/hub)' routing
# Config (and the standards it loads) sits below the adapters and the composition root.
check "config includes a higher layer" '#include *"(adapters|hub/storage|hub/security|hub/hub|hub/cli)' config
# The CLI's commands live in hub/cli: no adapter includes them or prints to a terminal.
check "adapters include hub/cli" '#include *"hub/cli' adapters
check "adapters/household prints (CLI commands belong in hub/cli)" '#include *<iostream>' adapters/household
# The domain (routing: intake, queues and the work policy, the write jobs, the router) is
# std-only besides the core and the rules core (so no JSON library: RapidJSON included as
# <rapidjson/...> is caught here): it reaches the store through hub/core/work_transaction.h alone.
check "third-party include in routing" '#include *[<"](boost|rapidjson|mqtt|MQTTAsync|MQTTClient|curl|openssl|sqlite3|catch2)' routing
# Storage holds SQL and no decisions: it runs write jobs (hub/core/write_job.h) that routing/work
# builds, and includes nothing of routing/.
check "hub/storage includes routing/" '#include *"routing/' hub/storage
# Adapters translate the wire; they do not reach into storage internals.
check "adapters include hub/storage" '#include *"hub/storage' adapters
# Beast/Asio only in the HTTP (and later MQTT) adapters and the composition root.
check "Boost outside adapters/http, adapters/mqtt, hub.cpp" '#include *<boost' config hub/storage hub/security adapters/envelope adapters/household adapters/inbound routing
# libcurl only in the delivery adapter (the outbox dispatcher's webhook channel).
check "curl outside adapters/delivery" '#include *<curl/' hub config routing adapters/http adapters/envelope adapters/inbound adapters/household adapters/mqtt adapters/console
# Paho only in the MQTT adapter (and the tests' clients).
check "Paho outside adapters/mqtt" '#include *<mqtt/' hub config routing adapters/http adapters/envelope adapters/inbound adapters/household
# Domain types hold no wire types.
check "RapidJSON in storage or security" '#include *<rapidjson' hub/storage hub/security
if [ $fail -ne 0 ]; then echo "layering: FAILED"; exit 1; fi
echo "layering: ok"
