// The admin CLI's commands (xianjie.cpp dispatches on argv[1]) and the argument helpers they
// share. Each command returns the process's exit code: 0 done, 1 failed (config, store, files),
// 2 a usage or input error. One command group per file; all run on the main thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/hub_config.h"
#include "hub/security/field_cipher.h"

namespace xj::cli {

// Prints the usage text to stderr; returns 2.
int usage();

// `--config FILE --org ID --role ROLE --name PERSON --township CODE...` and positional
// arguments.
struct Args {
  std::string config;
  std::string org;
  std::string role;
  std::string name;  // token create: the person the token is for (--name); empty: none
  bool name_given = false;
  std::vector<std::string> townships;
  std::vector<std::string> positional;
  int expires_in_days = -1;  // token create/rotate: -1 when not given
  int overlap_hours = -1;    // token rotate: -1 when not given (tokens.rotation_overlap_hours)
  bool ok = true;
};
Args parseArgs(int argc, char** argv, int from);

// Loads the config named by --config (anywhere in argv from `from`) and puts the other arguments
// in `rest`. False (the problems printed) when the config does not load.
bool configFromArgs(int argc, char** argv, int from, HubConfig& config, std::vector<char*>& rest);

// The key-encryption key of config.store.kek_file (the checks the daemon makes); nullopt, the
// problem printed, when it does not load.
std::optional<security::KeyEncryptionKey> loadKek(const HubConfig& config);

// What a command group on the database reads first (`xianjie GROUP VERB [--config FILE] ...`):
// the verb, the config, the other arguments, and the key-encryption key that opens its sealed
// fields. False (the problem printed; `exit_code` set to the process's code) when any is
// missing.
struct StoreCommand {
  std::string verb;
  HubConfig config;
  std::vector<std::string> rest;
  std::optional<security::KeyEncryptionKey> kek;
};
bool storeCommandFromArgs(int argc, char** argv, StoreCommand& out, int& exit_code);

int tokenCommand(int argc, char** argv);     // token_command.cpp
int evalCommand(int argc, char** argv);      // eval_command.cpp
int routesCommand(int argc, char** argv);    // routes_command.cpp
int mqttAclCommand(int argc, char** argv);   // mqtt_acl_command.cpp
int calendarCommand(int argc, char** argv);  // calendar_command.cpp
int outboxCommand(int argc, char** argv);    // outbox_command.cpp
int auditCommand(int argc, char** argv);     // audit_command.cpp
int keyCommand(int argc, char** argv);       // key_command.cpp
int backupCommand(int argc, char** argv);    // backup_command.cpp
int restoreCommand(int argc, char** argv);   // backup_command.cpp

}  // namespace xj::cli
