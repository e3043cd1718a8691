// xianjie eval: the household standards' evaluation of one file (adapters/household).
#include "adapters/household/eval_command.h"
#include "hub/cli/cli.h"

namespace xj::cli {

int evalCommand(int argc, char** argv) {
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  return household::runEvalCommand(static_cast<int>(rest.size()), rest.data(),
                                   config.standards_dir);
}

}  // namespace xj::cli
