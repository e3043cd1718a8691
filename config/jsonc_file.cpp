#include "config/jsonc_file.h"

#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>

namespace xj {

std::optional<std::string> readConfigText(const std::string& path, Problems& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({"", "cannot open " + path});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool parseJsonc(const std::string& text, rapidjson::Document& doc, Problems& problems) {
  doc.Parse<kJsoncParseFlags>(text.data(), text.size());
  if (!doc.HasParseError()) return true;
  problems.push_back({"", std::string("JSON error at offset ") +
                              std::to_string(doc.GetErrorOffset()) + ": " +
                              rapidjson::GetParseError_En(doc.GetParseError())});
  return false;
}

}  // namespace xj
