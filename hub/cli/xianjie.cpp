// xianjie: the admin CLI. Reads the same config as the daemon.
//   xianjie token create --config FILE --org ID --role ROLE [--township CODE ...]
//   xianjie token list   --config FILE
//   xianjie token revoke --config FILE TOKEN_ID
//   xianjie eval FILE.json [--config FILE] [--as-of DATE] [--explain]
//   xianjie routes test [--config FILE] MESSAGE.json
//   xianjie calendar import FILE.json [--config FILE] [--out DIR]
//   xianjie mqtt-acl [--config FILE] --out DIR
//   xianjie outbox list [--config FILE] [--state pending|delivered|dead] [--after ID]
//   xianjie outbox replay [--config FILE] ID
//   xianjie audit verify [--config FILE]
//   xianjie audit query  [--config FILE] [--person ID_NUMBER] [--org ORG] [--from DAY] [--to DAY]
//   xianjie key status [--config FILE]
//   xianjie key rotate [--config FILE] [--new-kek-file FILE]
//   xianjie backup [--config FILE] --out FILE
//   xianjie restore --in FILE [--config FILE]
// Each command group lives in its own file (hub/cli/cli.h lists them).
#include <string>

#include "hub/cli/cli.h"

int main(int argc, char** argv) {
  using namespace xj::cli;
  const std::string command = argc >= 2 ? argv[1] : "";
  if (command == "outbox") return outboxCommand(argc, argv);
  if (command == "audit") return auditCommand(argc, argv);
  if (command == "key") return keyCommand(argc, argv);
  if (command == "backup") return backupCommand(argc, argv);
  if (command == "restore") return restoreCommand(argc, argv);
  if (command == "token") return tokenCommand(argc, argv);
  if (command == "mqtt-acl") return mqttAclCommand(argc, argv);
  if (command == "eval") return evalCommand(argc, argv);
  if (command == "routes") return routesCommand(argc, argv);
  if (command == "calendar") return calendarCommand(argc, argv);
  return usage();
}
