// What the store keeps as text or numbers, made the typed values of the rows (store/reader.hpp). Each is the inverse
// of the one name table of its enum (capture::transportName, decode::callStateName, decode::callKindName), so no
// name is written twice; endpoints are read by capture's one parser, the inverse of the Endpoint::toString that
// wrote them.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipscope::store::detail {

class Connection;

// messages.transport. A number this version has no name for stays out of the enum's named values, so
// capture::transportName prints it as "unknown" rather than as some other transport.
capture::Transport transportOf(std::int64_t stored);
// calls.state. A name this version does not know is a value without a name (callStateName: "unknown").
decode::CallState callStateOf(std::string_view name);
// calls.kind. A name this version does not know is CallKind::Other.
decode::CallKind callKindOf(std::string_view name);
// dialogs.state. A name this version does not know is a value without a name (dialogStateName: "unknown").
decode::DialogState dialogStateOf(std::string_view name);
// media.role: "offer", "answer"; anything else (NULL, a name this version does not know) is SdpRole::None.
decode::SdpRole sdpRoleOf(std::string_view name);
// The names calls.state and calls.kind hold: decode::callStateName and callKindName of every value, in their order.
std::vector<std::string_view> callStateNames();
std::vector<std::string_view> callKindNames();
// endpoints.text. Throws sipscope::Error for text that is no endpoint: only a damaged database has one.
capture::Endpoint endpointOf(std::string_view text);

class Statement;

// The endpoints of one Reader by endpoints.id, each read and parsed once: a row holds the id, and the few distinct
// endpoints of a capture are parsed once however many rows name them. An id never changes its text (the table only
// grows), so the cache stays right while a capture writes the database.
class EndpointCache {
public:
    explicit EndpointCache(Connection& db);
    ~EndpointCache();
    EndpointCache(const EndpointCache&) = delete;
    EndpointCache& operator=(const EndpointCache&) = delete;

    // Throws sipscope::Error when no endpoint has this id or its text is none.
    const capture::Endpoint& get(std::int64_t id);
    // NULL (a column of a LEFT JOIN, calls.src_id of a call without a request) is no endpoint.
    std::optional<capture::Endpoint> getOptional(std::optional<std::int64_t> id) {
        return id ? std::optional(get(*id)) : std::nullopt;
    }
    std::size_t size() const { return m_endpoints.size(); }

private:
    Connection& m_db;
    std::unique_ptr<Statement> m_select;  // prepared at the first miss
    std::unordered_map<std::int64_t, capture::Endpoint> m_endpoints;
};

}  // namespace sipscope::store::detail
