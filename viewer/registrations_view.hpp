// The Registrations and Subscriptions tabs: the rows of `sipscope registrations` and `sipscope subscriptions` for
// the filter, loaded on the query thread (the first MaxRows of them).
#pragma once

#include "store/reader.hpp"
#include "viewer/refresh_gate.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

class RegistrationsView {
public:
    static constexpr std::size_t MaxRows = 5000;
    enum class Kind { Registrations, Subscriptions };

    RegistrationsView(Kind kind, QueryThread& queries, UiQueue& ui);
    void setFilter(const store::Filter& filter);  // loaded when next drawn
    // The database changed (a capture writes it): loaded again when drawn, within a second, the rows on screen
    // kept until the new ones are in.
    void refresh();
    void draw();
    // The rows shown; nullopt until the first are loaded.
    std::optional<std::uint64_t> rowsListed() const;

private:
    void load();

    Kind m_kind;
    QueryThread& m_queries;
    UiQueue& m_ui;
    store::Filter m_filter;
    std::uint64_t m_generation = 0;
    RefreshGate m_gate;
    bool m_isLoaded = false;
    std::vector<store::RegistrationRow> m_registrations;
    std::vector<store::SubscriptionRow> m_subscriptions;
};

}  // namespace sipscope::viewer
