// Registrations / subscriptions tables, clipped to the visible rows.
#include "viewer/registrations_view.hpp"

#include "viewer/call_list_view.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/ui_queue.hpp"

#include <imgui.h>

#include <cstdio>
#include <string>
#include <utility>

namespace sipscope::viewer {

namespace {

void cell(const std::string& text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text.empty() ? "-" : text.c_str());
}

std::string optionalNumber(const std::optional<int>& value) { return value ? std::to_string(*value) : ""; }

constexpr ImGuiTableFlags TableFlags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable;

}  // namespace

RegistrationsView::RegistrationsView(Kind kind, QueryThread& queries, UiQueue& ui)
    : m_kind(kind), m_queries(queries), m_ui(ui) {}

void RegistrationsView::setFilter(const store::Filter& filter) {
    m_filter = filter;
    ++m_generation;  // the rows on their way are for the old filter
    m_gate.invalidate();
}

void RegistrationsView::refresh() { m_gate.dataChanged(); }

std::optional<std::uint64_t> RegistrationsView::rowsListed() const {
    if (!m_isLoaded)
        return std::nullopt;
    return m_kind == Kind::Registrations ? m_registrations.size() : m_subscriptions.size();
}

void RegistrationsView::load() {
    store::Filter filter = m_filter;
    filter.limit = MaxRows;
    m_queries.submit([this, generation = m_generation, filter](const store::Reader& reader) {
        const ReadDoneNotice done(m_ui, m_gate, m_generation, generation);
        if (m_kind == Kind::Registrations) {
            auto rows = reader.registrations(filter);
            m_ui.post([this, generation, rows = std::move(rows)]() mutable {
                if (generation == m_generation) {
                    m_registrations = std::move(rows);
                    m_isLoaded = true;
                }
            });
        } else {
            auto rows = reader.subscriptions(filter);
            m_ui.post([this, generation, rows = std::move(rows)]() mutable {
                if (generation == m_generation) {
                    m_subscriptions = std::move(rows);
                    m_isLoaded = true;
                }
            });
        }
    });
}

void RegistrationsView::draw() {
    if (m_gate.shouldRead(RefreshGate::Clock::now()))
        load();
    if (!m_isLoaded) {
        ImGui::TextDisabled("Loading...");
        return;
    }
    if (m_kind == Kind::Registrations) {
        ImGui::Text("%zu registrations%s", m_registrations.size(),
                    m_registrations.size() == MaxRows ? " (the first)" : "");
        if (!ImGui::BeginTable("registrations", 10, TableFlags))
            return;
        // The columns of `sipscope registrations`, and the 2xx's bindings (hidden at first: right-click a header).
        for (const char* name : {"Time", "AOR", "Contact", "Expires", "Granted", "Status", "Delay ms", "Source"})
            ImGui::TableSetupColumn(name);
        ImGui::TableSetupColumn("Call-ID");
        ImGui::TableSetupColumn("Bindings", ImGuiTableColumnFlags_DefaultHide);
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(m_registrations.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const store::RegistrationRow& row = m_registrations[static_cast<std::size_t>(i)];
                ImGui::TableNextRow();
                cell(formatTimestampUtc(row.requestUs));
                cell(row.aor);
                cell(row.contact);
                cell(optionalNumber(row.expires));
                cell(optionalNumber(row.grantedExpires));
                ImGui::TableNextColumn();
                ImGui::PushStyleColor(ImGuiCol_Text, palette::statusColor(row.status));
                ImGui::Text("%d", row.status);
                ImGui::PopStyleColor();
                char delay[32];
                std::snprintf(delay, sizeof delay, "%.3f", static_cast<double>(row.responseUs - row.requestUs) / 1e3);
                cell(delay);
                cell(row.src ? row.src->toString() : std::string());
                cell(row.callId);
                cell(row.bindings);
            }
        }
        ImGui::EndTable();
        return;
    }
    ImGui::Text("%zu subscriptions%s", m_subscriptions.size(), m_subscriptions.size() == MaxRows ? " (the first)" : "");
    if (!ImGui::BeginTable("subscriptions", 11, TableFlags))
        return;
    // The columns of `sipscope subscriptions` (Expires: the one granted).
    for (const char* name : {"Time", "Method", "Event", "Resource", "Subscriber", "State", "Reason", "Status",
                             "NOTIFYs", "Expires", "Call-ID"})
        ImGui::TableSetupColumn(name);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(m_subscriptions.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const store::SubscriptionRow& row = m_subscriptions[static_cast<std::size_t>(i)];
            ImGui::TableNextRow();
            cell(formatTimestampUtc(row.startUs));
            cell(row.method);
            cell(row.event);
            cell(row.resource);
            cell(row.subscriber);
            cell(row.state);
            cell(row.reason);
            cell(optionalNumber(row.status));
            cell(std::to_string(row.notifies));
            cell(optionalNumber(row.grantedExpires));
            cell(row.callId);
        }
    }
    ImGui::EndTable();
}

}  // namespace sipscope::viewer
