// xianjie calendar import: turns a year's holiday arrangement (the hub's format or
// holiday-cn's) into DIR/holidays-YYYY.json (DIR: --out, else the config's standards_dir),
// checks it and the whole directory as the hub would load it, and leaves the directory as it
// was if anything is wrong.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/calendar_import.h"
#include "config/standards.h"
#include "hub/cli/cli.h"

namespace xj::cli {
namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The loader refuses a year given twice: it must not already be in another file of `out_dir`.
void checkYearIsNew(const std::string& out_dir, const std::string& name, int year,
                    Problems& problems) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir, ec)) {
    std::string other = e.path().filename().string();
    if (other == name || other.rfind("holidays", 0) != 0 || e.path().extension() != ".json")
      continue;
    Problems ignored;
    auto years = household::parseHolidaysJson(readAll(e.path()), ignored);
    if (!years.isOk()) continue;  // reported by the full check after writing
    for (const auto& oy : years.value())
      if (oy.year == year)
        problems.push_back({"--out", std::to_string(year) + " is already in " + other +
                                         ": remove it there first"});
  }
  if (ec) problems.push_back({"--out", "cannot read directory " + out_dir});
}

// Writes the year's file, then loads the whole directory as the hub would; puts back what was
// there on failure. Returns the exit code.
int writeChecked(const std::string& out_dir, const std::string& name,
                 const household::YearArrangement& y) {
  fs::path target = fs::path(out_dir) / name;
  std::error_code ec;
  std::string previous;
  bool existed = fs::exists(target);
  if (existed) previous = readAll(target);
  auto write = [&](const std::string& content) {
    fs::path tmp = fs::path(out_dir) / ("." + name + ".tmp");
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << content;
      if (!f.flush()) return false;
    }
    fs::rename(tmp, target, ec);  // atomic: a SIGHUP never sees half a file
    return !ec;
  };
  if (!write(household::calendarFileJson(y))) {
    std::fprintf(stderr, "cannot write %s\n", target.c_str());
    return 1;
  }
  Problems dir_problems;
  if (auto all = household::loadStandards(out_dir, dir_problems); !all.isOk()) {
    if (existed)
      (void)write(previous);
    else
      fs::remove(target, ec);
    std::fprintf(stderr, "%s would not load (left as it was): %zu problem(s):\n%s", out_dir.c_str(),
                 dir_problems.size(), formatProblems(dir_problems).c_str());
    return 1;
  }
  for (const auto& w : household::statutoryDaysNotOff(y))
    std::fprintf(stderr, "warning: %s is a statutory holiday but a working day here\n", w.c_str());
  std::printf(
      "wrote %s: %zu holidays, %zu make-up working days; send SIGHUP to xianjied to load it\n",
      target.c_str(), y.holidays.size(), y.makeup_workdays.size());
  return 0;
}

}  // namespace

int calendarCommand(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "import") return usage();
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 3, config, rest)) return 1;
  std::string input, out_dir = config.standards_dir;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (std::string(rest[i]) == "--out" && i + 1 < rest.size())
      out_dir = rest[++i];
    else if (input.empty())
      input = rest[i];
    else
      return usage();
  }
  if (input.empty()) return usage();
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", input.c_str());
    return 1;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Problems problems;
  auto year = household::parseArrangement(text, problems);
  if (year.isOk()) {
    checkYearIsNew(out_dir, "holidays-" + std::to_string(year.value().year) + ".json",
                   year.value().year, problems);
  }
  if (!year.isOk() || !problems.empty()) {
    std::fprintf(stderr, "%s: %zu problem(s):\n%s", input.c_str(), problems.size(),
                 formatProblems(problems).c_str());
    return 1;
  }
  return writeChecked(out_dir, "holidays-" + std::to_string(year.value().year) + ".json",
                      year.value());
}

}  // namespace xj::cli
