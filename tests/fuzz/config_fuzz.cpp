// Fuzz target: a configuration file's text through every loader of config/: the hub config, the
// routes, the partners, the villages and the standards' three files. Each input goes to all of
// them (JSONC is common to all; the field checks differ), so one corpus of the shipped files
// seeds them all. A bad file must end in problems with paths, never in a crash of
// `xianjied --check-config` or of a SIGHUP reload.
#include <cstddef>
#include <cstdint>

#include "config/hub_config.h"
#include "config/partners_config.h"
#include "config/routes_config.h"
#include "config/standards.h"
#include "config/villages_config.h"
#include "tests/fuzz/fuzz_support.h"

using namespace xj;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = fuzz::text(data, size);
  const TownshipDirectory& townships = fuzz::standards().townships;
  {
    Problems problems;
    (void)parseHubConfig(bytes, problems);
    (void)formatProblems(problems);
  }
  {
    Problems problems;
    (void)parseRoutes(bytes, townships, problems);
  }
  {
    Problems problems;
    (void)parsePartners(bytes, townships, problems);
  }
  {
    Problems problems;
    (void)parseVillages(bytes, townships, problems);
  }
  {
    Problems problems;
    (void)household::parseParametersJson(bytes, problems);
  }
  {
    Problems problems;
    (void)household::parseHolidaysJson(bytes, problems);
  }
  {
    Problems problems;
    (void)household::parseTownshipsJson(bytes, problems);
  }
  return 0;
}
