// `xianjie eval FILE.json [--as-of DATE] [--explain] [--no-trace]`: evaluates one household (a
// case file or a bare household) against the standards in `standards_dir` and prints the
// decision JSON (or the bilingual explanation) to stdout. argv excludes the word "eval".
// Exit codes: 0 decided; 2 bad input or usage (every problem on stderr as JSON); 1 the
// standards directory could not be loaded. Runs on the calling thread.
#pragma once

#include <string>

namespace xj::household {

int runEvalCommand(int argc, char** argv, const std::string& standards_dir);

}  // namespace xj::household
