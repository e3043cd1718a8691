#include "hub/calendar_watch.h"

#include "hub/core/log.h"
#include "routing/intake/intake.h"

namespace xj {

CalendarWatch::CalendarWatch(const Clock& clock, StandardsSource standards,
                             MetricsRegistry& metrics)
    : clock_(clock), standards_(std::move(standards)) {
  // One collector, so that the three figures come from one reading and print as integers.
  metrics.collector([this] {
    State s = state();
    return "# HELP xianjie_calendar_last_day Last day covered by an official holiday "
           "arrangement, as YYYYMMDD (0: none)\n"
           "# TYPE xianjie_calendar_last_day gauge\n"
           "xianjie_calendar_last_day " +
           std::to_string(s.last_day) +
           "\n# HELP xianjie_calendar_days_left Days from the hub's today (China time) to the "
           "last official calendar day (negative once past)\n"
           "# TYPE xianjie_calendar_days_left gauge\n"
           "xianjie_calendar_days_left " +
           std::to_string(s.days_left) +
           "\n# HELP xianjie_calendar_provisional 1 while deadlines counted from today are "
           "provisional (no holiday notice loaded)\n"
           "# TYPE xianjie_calendar_provisional gauge\n"
           "xianjie_calendar_provisional " +
           (s.provisional ? "1" : "0") + "\n";
  });
}

CalendarWatch::State CalendarWatch::state() const {
  State s;
  s.today = routing::acceptedOn(clock_.now());
  auto today = rules::parseDate(s.today);
  auto standards = standards_();
  auto last = standards->calendar.lastOfficialDay();
  if (!today) return s;
  s.provisional = standards->calendar.isProvisional(today->year());
  if (!last) {
    s.provisional = true;
    return s;
  }
  s.last_day =
      last->year() * 10000 + static_cast<int>(last->month()) * 100 + static_cast<int>(last->day());
  s.days_left = last->days - today->days;
  return s;
}

void CalendarWatch::check() {
  State s = state();
  bool ending = s.last_day != 0 && s.days_left >= 0 && s.days_left <= kWarnDays;
  bool past = s.provisional || s.last_day == 0 || s.days_left < 0;
  if (!ending && !past) return;
  {
    std::lock_guard lock(mu_);
    if (warned_on_ == s.today) return;
    warned_on_ = s.today;
  }
  std::string last = s.last_day ? std::to_string(s.last_day) : "none";
  if (past)
    log::warn("calendar_provisional",
              {{"today", s.today},
               {"last_official_day", last},
               {"what",
                "no holiday notice loaded for this year: deadlines are provisional "
                "(statutory holidays only); load it with `xianjie calendar import` + "
                "SIGHUP"}});
  else
    log::warn("calendar_ending", {{"today", s.today},
                                  {"last_official_day", last},
                                  {"days_left", std::to_string(s.days_left)},
                                  {"what", "load the next year's holiday notice before then"}});
}

}  // namespace xj
