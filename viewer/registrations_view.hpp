// The Registrations and Subscriptions tabs: the rows of `sipscope registrations` and `sipscope subscriptions` for
// the filter, loaded on the query thread (the first MaxRows of them).
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <memory>
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
    void draw();

private:
    Kind m_kind;
    QueryThread& m_queries;
    UiQueue& m_ui;
    store::Filter m_filter;
    std::uint64_t m_generation = 0;
    bool m_isStale = true;
    bool m_isLoaded = false;
    std::vector<store::RegistrationRow> m_registrations;
    std::vector<store::SubscriptionRow> m_subscriptions;
};

}  // namespace sipscope::viewer
