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
# ... nor writes JSON by hand: what leaves the hub is encoded from domain values in one place,
# adapters/envelope/outbound_codec.h (routing/work/outbound_bodies.h is the seam). A string
# literal opening an object or a member ("{\"key\"", ",\"key\"") is string-built JSON.
check "routing builds JSON by string concatenation (encode in adapters/envelope/outbound_codec)" \
  '"\{\\"|",\\"' routing
# Storage holds SQL and no decisions: it runs write jobs (hub/core/write_job.h) that routing/work
# builds, and includes nothing of routing/.
check "hub/storage includes routing/" '#include *"routing/' hub/storage
# Adapters decide no policy: the work service (routing/work/work_service.h) is the one place that
# decides a write, so HTTP and MQTT cannot drift. The adapters may not include the policies or
# the write jobs' builders (only the service header) ...
check "adapters decide no policy: a policy or job builder included (use routing/work/work_service.h)" \
  '#include *"routing/(queues/work_policy|exchange/exchange_policy|platform/|work/(policy_jobs|exchange_job|ingest_job|item_jobs|outbox_jobs))' adapters
# ... and the request handlers may not count deadlines, check partners or submit writes
# themselves: the calendar and partner-directory calls and the store's write ports the service
# owns. (adapters/inbound, the intake's wire side, is the one caller of the intake's calendar.)
check "adapters decide no policy: a deadline, partner check or store write outside the work service" \
  '(\.deadline\(|acceptedOn\(|servesTownship\(|(\.|->)offers\(|mayReceive\(|PartnerCapacity::kFull|accept_within_working_days|follow_up_working_days|escalate_undated_after_days|(\.|->)(submit|submitAction|submitExchange|replayOutbound|sweep)\()' \
  adapters/http adapters/mqtt
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
