// Round steps of the clock, and UTC labels with gmtime_r.
#include "viewer/time_axis.hpp"

#include <algorithm>
#include <array>
#include <ctime>

namespace sipscope::viewer {

namespace {

constexpr std::int64_t Second = 1'000'000;
constexpr std::int64_t Minute = 60 * Second;
constexpr std::int64_t Hour = 60 * Minute;
constexpr std::int64_t Day = 24 * Hour;

constexpr std::array<std::int64_t, 23> Steps{Second,  2 * Second, 5 * Second, 10 * Second, 15 * Second, 30 * Second,
                                             Minute,  2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute,
                                             Hour,    2 * Hour,   3 * Hour,   6 * Hour,    12 * Hour,   Day,
                                             7 * Day, 14 * Day,   30 * Day,   91 * Day,    365 * Day};
constexpr std::size_t BarSteps = 19;  // the bars' intervals: up to 7 days

// Floor division, for times before 1970 too.
std::int64_t floorTo(std::int64_t value, std::int64_t step) {
    const std::int64_t rest = ((value % step) + step) % step;
    return value - rest;
}

std::tm utcOf(std::int64_t us) {
    const auto seconds = static_cast<std::time_t>(floorTo(us, Second) / Second);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return utc;
}

std::string format(std::int64_t us, const char* pattern) {
    const std::tm utc = utcOf(us);
    char text[32];
    const std::size_t length = std::strftime(text, sizeof text, pattern, &utc);
    return std::string(text, length);
}

}  // namespace

std::int64_t barInterval(std::int64_t spanUs, int maxBars) {
    const std::int64_t bars = std::max(1, maxBars);
    for (std::size_t i = 0; i < BarSteps; ++i)
        if (spanUs / Steps[i] < bars)
            return Steps[i];
    return Steps[BarSteps - 1];
}

std::string intervalText(std::int64_t intervalUs) {
    auto count = [intervalUs](std::int64_t unit) { return std::to_string(intervalUs / unit); };
    if (intervalUs >= Day && intervalUs % Day == 0)
        return count(Day) + (intervalUs == Day ? " day" : " days");
    if (intervalUs >= Hour && intervalUs % Hour == 0)
        return count(Hour) + " h";
    if (intervalUs >= Minute && intervalUs % Minute == 0)
        return count(Minute) + " min";
    if (intervalUs % Second == 0)
        return count(Second) + " s";
    return std::to_string(static_cast<double>(intervalUs) / 1e6) + " s";
}

std::vector<TimeTick> timeTicks(std::int64_t fromUs, std::int64_t toUs, int maxTicks) {
    std::vector<TimeTick> ticks;
    if (toUs < fromUs)
        return ticks;
    const std::int64_t most = std::max(1, maxTicks);
    auto countOf = [fromUs, toUs](std::int64_t step) {
        const std::int64_t first = floorTo(fromUs + step - 1, step);  // the first multiple >= fromUs
        return first > toUs ? 0 : (toUs - first) / step + 1;
    };
    // The first step that fits; when that one has no multiple in the span, the last that had (its first `most`).
    std::int64_t step = 0;
    std::int64_t lastWithTicks = 0;
    bool isFitting = false;
    for (const std::int64_t candidate : Steps) {
        const std::int64_t count = countOf(candidate);
        if (count > 0)
            lastWithTicks = candidate;
        if (count <= most) {
            step = count > 0 ? candidate : lastWithTicks;
            isFitting = true;
            break;
        }
    }
    // Spans of years: whole numbers of years (365 days).
    for (std::int64_t years = 2; !isFitting; ++years) {
        const std::int64_t count = countOf(years * Steps.back());
        if (count > 0 && count <= most)
            step = years * Steps.back();
        else if (count <= most)
            step = lastWithTicks;
        else
            lastWithTicks = years * Steps.back();
        isFitting = count <= most;
    }
    if (step == 0)
        return ticks;  // less than a second, and no whole one in it
    const bool isOneYear = utcOf(fromUs).tm_year == utcOf(toUs).tm_year;
    for (std::int64_t at = floorTo(fromUs + step - 1, step);
         at <= toUs && ticks.size() < static_cast<std::size_t>(most); at += step) {
        std::string label;
        if (step < Minute)
            label = format(at, "%H:%M:%S");
        else if (step < Day && at % Day != 0)
            label = format(at, "%H:%M");
        else
            label = format(at, isOneYear ? "%m-%d" : "%Y-%m-%d");
        ticks.push_back({at, std::move(label)});
    }
    return ticks;
}

}  // namespace sipscope::viewer
