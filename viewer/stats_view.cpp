// Stats: figures loaded on the query thread in one job, charts drawn as rectangles on the window's draw list.
#include "viewer/stats_view.hpp"

#include "viewer/call_list_view.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/time_axis.hpp"
#include "viewer/ui_queue.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

namespace sipscope::viewer {

namespace {

struct Bar {
    std::string label;
    double value = 0;
    unsigned colour = palette::Text;
    double stacked = 0;  // a second value drawn on top, in stackedColour
    unsigned stackedColour = palette::ClientError;
};

// A step of 1, 2 or 5 times a power of ten giving about `parts` steps from 0 to `top`.
double niceStep(double top, int parts) {
    const double raw = std::max(top / parts, 1e-9);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0})
        if (raw <= factor * power)
            return factor * power;
    return 10 * power;
}

std::string tickText(double value, const char* unit) {
    char text[32];
    std::snprintf(text, sizeof text, value == std::floor(value) ? "%.0f%s" : "%.1f%s", value, unit);
    return text;
}

// A value under a chart's x axis: where (0 at the left end of the bars, 1 at the right) and its text.
struct XTick {
    double at = 0;
    std::string text;
};

float yAxisWidth() { return ImGui::CalcTextSize("00000").x + 8; }
// The width of the bars of a chart drawn at the cursor.
float plotWidth() { return std::max(100.0f, ImGui::GetContentRegionAvail().x - 10 - yAxisWidth()); }
// How many x values fit under a chart drawn at the cursor.
int xTickRoom() { return std::max(2, static_cast<int>(plotWidth() / 90)); }

// Round values from 0 to `max` (in `unit`), at most `room` of them.
std::vector<XTick> valueTicks(double max, const char* unit, int room) {
    std::vector<XTick> ticks;
    if (max <= 0)
        return ticks;
    const double step = niceStep(max, room);
    for (double value = 0; value <= max + step * 1e-6; value += step)
        ticks.push_back({value / max, tickText(value, unit)});
    return ticks;
}

// A bar chart `heightPx` tall across the width left, with count ticks on its left and, given `xTicks`, those values
// under it (else each bar's label when `showLabels` and it fits). The index of a clicked bar, if any. The tick
// texts drawn go to `ticks` ("NAME y", "NAME x").
std::optional<std::size_t> barChart(const char* id, const std::vector<Bar>& bars, float heightPx, bool showLabels,
                                    const std::vector<XTick>* xTicks,
                                    std::vector<std::pair<std::string, std::vector<std::string>>>& ticks) {
    ImGui::PushID(id);
    const ImVec2 corner = ImGui::GetCursorScreenPos();
    const float axisWidth = yAxisWidth();
    const ImVec2 origin(corner.x + axisWidth, corner.y + ImGui::GetTextLineHeight() / 2);
    const float width = plotWidth();
    const float labelHeight = showLabels || xTicks ? ImGui::GetTextLineHeightWithSpacing() : 0;
    ImGui::InvisibleButton("chart", ImVec2(width + axisWidth, heightPx + labelHeight + ImGui::GetTextLineHeight() / 2));
    const bool isHovered = ImGui::IsItemHovered();
    const bool isClicked = ImGui::IsItemClicked();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddLine(ImVec2(origin.x, origin.y + heightPx), ImVec2(origin.x + width, origin.y + heightPx),
                  palette::Lifeline);
    double top = 0;
    for (const Bar& bar : bars)
        top = std::max(top, bar.value + bar.stacked);
    std::optional<std::size_t> clicked;
    if (bars.empty() || top <= 0) {
        ImGui::PopID();
        return clicked;
    }
    // y: counts, whole numbers from 0, the top rounded up to a tick.
    const double yStep = std::max(1.0, niceStep(top, 4));
    top = std::ceil(top / yStep) * yStep;
    std::vector<std::string> yTicks;
    for (double value = 0; value <= top + yStep / 2; value += yStep) {
        const float y = origin.y + heightPx - static_cast<float>(value / top) * heightPx;
        const std::string text = tickText(value, "");
        const float textWidth = ImGui::CalcTextSize(text.c_str()).x;
        draw->AddText(ImVec2(origin.x - 6 - textWidth, y - ImGui::GetTextLineHeight() / 2), palette::Dim, text.c_str());
        if (value > 0)
            draw->AddLine(ImVec2(origin.x, y), ImVec2(origin.x + width, y), palette::rgba(255, 255, 255, 18));
        yTicks.push_back(text);
    }
    ticks.emplace_back(std::string(id) + " y", std::move(yTicks));
    if (xTicks && !xTicks->empty()) {
        std::vector<std::string> drawn;
        for (const XTick& tick : *xTicks) {
            const float x = origin.x + static_cast<float>(tick.at) * width;
            const float textWidth = ImGui::CalcTextSize(tick.text.c_str()).x;
            draw->AddLine(ImVec2(x, origin.y + heightPx), ImVec2(x, origin.y + heightPx + 4), palette::Lifeline);
            draw->AddText(ImVec2(std::min(x - textWidth / 2, origin.x + width - textWidth), origin.y + heightPx + 4),
                          palette::Dim, tick.text.c_str());
            drawn.push_back(tick.text);
        }
        ticks.emplace_back(std::string(id) + " x", std::move(drawn));
    }
    const float slot = width / static_cast<float>(bars.size());
    const float gap = slot > 6 ? slot * 0.15f : 0;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& bar = bars[i];
        const float x0 = origin.x + slot * static_cast<float>(i) + gap;
        const float x1 = origin.x + slot * static_cast<float>(i + 1) - gap;
        const float h = static_cast<float>(bar.value / top) * heightPx;
        const float hs = static_cast<float>(bar.stacked / top) * heightPx;
        const float base = origin.y + heightPx;
        draw->AddRectFilled(ImVec2(x0, base - h), ImVec2(std::max(x1, x0 + 1), base), bar.colour);
        if (hs > 0)
            draw->AddRectFilled(ImVec2(x0, base - h - hs), ImVec2(std::max(x1, x0 + 1), base - h), bar.stackedColour);
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const bool isUnder = isHovered && mouse.x >= origin.x + slot * static_cast<float>(i) &&
                             mouse.x < origin.x + slot * static_cast<float>(i + 1);
        if (isUnder) {
            if (bar.stacked > 0)
                ImGui::SetTooltip("%s: %.0f + %.0f", bar.label.c_str(), bar.value, bar.stacked);
            else
                ImGui::SetTooltip("%s: %.0f", bar.label.c_str(), bar.value);
            if (isClicked)
                clicked = i;
        }
        if (showLabels && !xTicks) {
            const ImVec2 size = ImGui::CalcTextSize(bar.label.c_str());
            if (size.x <= slot)
                draw->AddText(ImVec2(x0 + (x1 - x0 - size.x) / 2, base + 2), palette::Dim, bar.label.c_str());
        }
    }
    ImGui::PopID();
    return clicked;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty())
        return 0;
    const auto at = static_cast<std::size_t>(std::llround(p * static_cast<double>(sorted.size() - 1)));
    return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

StatsView::StatsView(const std::string& dbPath, UiQueue& ui)
    : m_ui(ui), m_queries(std::make_unique<QueryThread>(dbPath, ui, [this](const std::string& message) {
          m_error = message;  // a read that failed (or never ran: no database yet) is over
          m_gate.readDone();
      })) {}

StatsView::~StatsView() { stop(); }

void StatsView::stop() { m_queries.reset(); }

bool StatsView::isBusy() const { return m_queries && !m_queries->isIdle(); }

void StatsView::setFilter(const store::Filter& filter) {
    m_filter = filter;
    ++m_generation;  // the figures on their way are for the old filter
    m_gate.invalidate();
}

void StatsView::refresh() { m_gate.dataChanged(); }

std::optional<std::uint64_t> StatsView::calls() const {
    return m_figures ? std::optional(m_figures->stats.calls) : std::nullopt;
}

void StatsView::load() {
    m_queries->submit([this, generation = m_generation, filter = m_filter](const store::Reader& reader) {
        const ReadDoneNotice done(m_ui, m_gate, m_generation, generation);
        auto figures = std::make_shared<Figures>();
        figures->stats = reader.stats(filter);
        const std::vector<store::CallRow> first = reader.callPage(filter, "start", false, 0, 1);
        const std::vector<store::CallRow> last = reader.callPage(filter, "start", true, 0, 1);
        if (!first.empty() && !last.empty()) {
            figures->intervalUs = barInterval(last.front().startUs - first.front().startUs);
            store::Filter span = filter;
            figures->intervals = reader.intervalStats(span, figures->intervalUs, false);  // the chart is of calls
        }
        store::Filter invites = filter;
        invites.limit = MaxHistogramCalls;
        const std::vector<store::CallRow> calls = reader.calls(invites);
        figures->isSrdSampled = calls.size() == MaxHistogramCalls;
        for (const store::CallRow& call : calls) {
            const std::int64_t answerUs = call.firstProvisionalUs ? call.firstProvisionalUs : call.finalUs;
            if (call.method == "INVITE" && call.attemptUs && answerUs)
                figures->srdMs.push_back(static_cast<double>(answerUs - call.attemptUs) / 1000.0);
        }
        std::sort(figures->srdMs.begin(), figures->srdMs.end());
        m_ui.post([this, generation, figures = std::move(figures)]() mutable {
            if (generation == m_generation) {
                m_figures = std::move(figures);
                m_error.reset();
            }
        });
    });
}

void StatsView::draw() {
    if (m_gate.shouldRead(RefreshGate::Clock::now()))
        load();
    if (!m_figures) {
        if (m_error)
            ImGui::TextDisabled("Cannot count yet: %s", m_error->c_str());
        else
            ImGui::TextDisabled("Counting...");
        return;
    }
    const Figures& figures = *m_figures;
    m_ticks.clear();
    const store::Stats& stats = figures.stats;
    ImGui::BeginChild("stats", ImVec2(0, 0), false);
    ImGui::Text("%llu calls, %llu messages (%llu retransmissions, %llu malformed)",
                static_cast<unsigned long long>(stats.calls), static_cast<unsigned long long>(stats.messages),
                static_cast<unsigned long long>(stats.retransmissions),
                static_cast<unsigned long long>(stats.invalidMessages));
    const store::Rfc6076& rfc = stats.rfc6076;
    auto percent = [](const std::optional<double>& value) { return value ? *value : 0.0; };
    ImGui::Text("SER %.1f%%  SEER %.1f%%  ISA %.1f%%  SCR %.1f%%  (%llu INVITE calls)", percent(rfc.ser),
                percent(rfc.seer), percent(rfc.isa), percent(rfc.scr), static_cast<unsigned long long>(rfc.invites));

    const float chartHeight =
        std::max(60.0f, (ImGui::GetContentRegionAvail().y - 8 * ImGui::GetTextLineHeightWithSpacing()) / 4);
    ImGui::Separator();
    ImGui::TextUnformatted("Responses by class");
    std::array<double, 6> classes{};
    for (const auto& [status, count] : stats.responses)
        if (status >= 100 && status < 700)
            classes[static_cast<std::size_t>(status / 100 - 1)] += static_cast<double>(count);
    std::vector<Bar> classBars;
    for (int i = 0; i < 6; ++i)
        classBars.push_back(
            {std::to_string(i + 1) + "xx", classes[static_cast<std::size_t>(i)], palette::statusColor((i + 1) * 100)});
    if (const auto clicked = barChart("classes", classBars, chartHeight, true, nullptr, m_ticks); clicked && onFilter)
        onFilter("status:" + classBars[*clicked].label);

    // x: the UTC clock, ticks at round times; the bars span every interval.
    std::vector<Bar> intervalBars;
    std::vector<XTick> intervalTicks;
    if (!figures.intervals.empty()) {
        const std::int64_t fromUs = figures.intervals.front().startUs;
        const std::int64_t toUs = fromUs + static_cast<std::int64_t>(figures.intervals.size()) * figures.intervalUs;
        ImGui::Text("Calls per %s from %s UTC (answered green, failed red)", intervalText(figures.intervalUs).c_str(),
                    formatTimestampUtc(fromUs).substr(0, 19).c_str());
        for (const store::IntervalStats& interval : figures.intervals)
            intervalBars.push_back({formatTimestampUtc(interval.startUs).substr(0, 19),
                                    static_cast<double>(interval.answeredCalls), palette::Success,
                                    static_cast<double>(interval.failedCalls), palette::ClientError});
        for (TimeTick& tick : timeTicks(fromUs, toUs, xTickRoom()))
            intervalTicks.push_back(
                {static_cast<double>(tick.atUs - fromUs) / static_cast<double>(toUs - fromUs), std::move(tick.label)});
    } else {
        ImGui::TextUnformatted("Calls per interval (answered green, failed red)");
    }
    barChart("intervals", intervalBars, chartHeight, false, &intervalTicks, m_ticks);

    const std::vector<double>& srd = figures.srdMs;
    ImGui::Text("Session request delay (SRD): %zu INVITE calls%s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms", srd.size(),
                figures.isSrdSampled ? " (the first ones)" : "", percentile(srd, 0.5), percentile(srd, 0.9),
                percentile(srd, 0.99));
    std::vector<Bar> histogram;
    std::vector<XTick> srdTicks;
    if (!srd.empty()) {
        constexpr int Buckets = 30;
        const double top = std::max(1.0, percentile(srd, 0.99));
        srdTicks = valueTicks(top, " ms", xTickRoom());
        histogram.resize(Buckets);
        for (int i = 0; i < Buckets; ++i) {
            char label[48];
            std::snprintf(label, sizeof label, "%.0f-%.0f ms", top * i / Buckets, top * (i + 1) / Buckets);
            histogram[static_cast<std::size_t>(i)] = {label, 0, palette::Redirect};
        }
        for (const double value : srd)
            histogram[static_cast<std::size_t>(std::min<double>(Buckets - 1, value / top * Buckets))].value += 1;
    }
    barChart("srd", histogram, chartHeight, false, &srdTicks, m_ticks);

    ImGui::TextUnformatted("Top failure codes (click to list those calls)");
    std::vector<Bar> failureBars;
    for (const store::FailureCount& failure : stats.failures) {
        if (failureBars.size() == 10)
            break;
        failureBars.push_back({std::to_string(failure.status) + " " + failure.reason,
                               static_cast<double>(failure.count), palette::statusColor(failure.status)});
    }
    if (const auto clicked = barChart("failures", failureBars, chartHeight, true, nullptr, m_ticks);
        clicked && onFilter)
        onFilter("status:" + std::to_string(stats.failures[*clicked].status));
    ImGui::EndChild();
}

}  // namespace sipscope::viewer
