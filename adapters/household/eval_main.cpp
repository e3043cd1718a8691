// xj_eval: runs the `xianjie eval` command on its own (argv[1..] are its arguments). The
// standards directory is $XJ_STANDARDS_DIR or the repository's config/standards.
#include <cstdlib>

#include "adapters/household/eval_command.h"

int main(int argc, char** argv) {
  const char* dir = std::getenv("XJ_STANDARDS_DIR");
  return xj::household::runEvalCommand(argc - 1, argv + 1, dir ? dir : XJ_DEFAULT_STANDARDS_DIR);
}
