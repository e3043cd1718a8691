// CalendarWatch: says ahead of time that the working-day calendar is running out.
// The State Council publishes a year's holiday arrangement only weeks before it starts; until it
// is loaded (config/standards/holidays-YYYY.json + SIGHUP) deadlines in that year are
// provisional. A missing year is a warning, never an outage: /readyz does not look at this.
//
//   /metrics  xianjie_calendar_last_day     last day with an official arrangement, YYYYMMDD
//             xianjie_calendar_days_left    days from the hub clock's today (China time) to it;
//                                           negative once past
//             xianjie_calendar_provisional  1 while today's deadlines are provisional
//   log       calendar_ending (warn)        once per hub-clock day from 60 days before the end
//             calendar_provisional (warn)   once per hub-clock day after it
//
// Any thread: check() may run on the sweep timer and on a test's clock change at once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/standards.h"
#include "hub/core/clock.h"
#include "hub/core/metrics.h"

namespace xj {

class CalendarWatch {
 public:
  static constexpr int kWarnDays = 60;

  using StandardsSource = std::function<std::shared_ptr<const household::Standards>()>;
  CalendarWatch(const Clock& clock, StandardsSource standards, MetricsRegistry& metrics);

  // Logs the day's warning if one is due and not yet logged for this hub-clock day.
  void check();

 private:
  struct State {
    int last_day = 0;   // YYYYMMDD, 0: no official year at all
    int days_left = 0;  // to last_day from today
    bool provisional = false;
    std::string today;  // YYYY-MM-DD, China time
  };
  State state() const;

  const Clock& clock_;
  StandardsSource standards_;
  std::mutex mu_;
  std::string warned_on_;  // the hub-clock day of the last warning
};

}  // namespace xj
