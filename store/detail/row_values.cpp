// Typed row values from the stored text: each enum's name function, tried on every value of its underlying type.
#include "store/detail/row_values.hpp"

#include "common/error.hpp"
#include "store/detail/statement.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace sipscope::store::detail {

namespace {

// The first value of `Enum` whose name is `name`; `otherwise` when none is.
template <typename Enum, typename NameOf>
Enum valueOfName(std::string_view name, NameOf nameOf, Enum otherwise) {
    using Underlying = std::underlying_type_t<Enum>;
    for (unsigned value = 0; value < std::numeric_limits<Underlying>::max(); ++value) {
        const auto candidate = static_cast<Enum>(value);
        if (nameOf(candidate) == name)
            return candidate;
    }
    return otherwise;
}

// The names of `Enum`'s values in their order: `nameOf` of each value of the underlying type, less `unnamed` (what it
// gives a value without a name) and less a name given already.
template <typename Enum, typename NameOf>
std::vector<std::string_view> namesOf(NameOf nameOf, std::string_view unnamed) {
    using Underlying = std::underlying_type_t<Enum>;
    std::vector<std::string_view> names;
    for (unsigned value = 0; value < std::numeric_limits<Underlying>::max(); ++value) {
        const std::string_view name = nameOf(static_cast<Enum>(value));
        if (name != unnamed && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    }
    return names;
}

}  // namespace

capture::Transport transportOf(std::int64_t stored) {
    using Underlying = std::underlying_type_t<capture::Transport>;
    constexpr auto Unnamed = std::numeric_limits<Underlying>::max();
    return static_cast<capture::Transport>(stored >= 0 && stored < Unnamed ? static_cast<Underlying>(stored) : Unnamed);
}

decode::CallState callStateOf(std::string_view name) {
    return valueOfName(name, decode::callStateName,
                       static_cast<decode::CallState>(std::numeric_limits<std::uint8_t>::max()));
}

decode::CallKind callKindOf(std::string_view name) {
    return valueOfName(name, decode::callKindName, decode::CallKind::Other);
}

decode::DialogState dialogStateOf(std::string_view name) {
    return valueOfName(name, decode::dialogStateName,
                       static_cast<decode::DialogState>(std::numeric_limits<std::uint8_t>::max()));
}

decode::SdpRole sdpRoleOf(std::string_view name) {
    return valueOfName(name, decode::sdpRoleName, decode::SdpRole::None);
}

std::vector<std::string_view> callStateNames() { return namesOf<decode::CallState>(decode::callStateName, "unknown"); }

// callKindName names a value without a name "other", as CallKind::Other: the one "other" is kept.
std::vector<std::string_view> callKindNames() { return namesOf<decode::CallKind>(decode::callKindName, ""); }

capture::Endpoint endpointOf(std::string_view text) {
    const auto endpoint = capture::parseEndpoint(text);
    if (!endpoint)
        throw Error("the database holds an endpoint that is not ip:port or [IPv6]:port: '" +
                    std::string(text.substr(0, 80)) + "'");
    return *endpoint;
}

EndpointCache::EndpointCache(Connection& db) : m_db(db) {}
EndpointCache::~EndpointCache() = default;

const capture::Endpoint& EndpointCache::get(std::int64_t id) {
    if (const auto it = m_endpoints.find(id); it != m_endpoints.end())
        return it->second;
    if (!m_select)
        m_select = std::make_unique<Statement>(m_db, "SELECT text FROM endpoints WHERE id = ?");
    m_select->reset();
    m_select->bindInt(1, id);
    if (!m_select->step())
        throw Error("the database names endpoint " + std::to_string(id) + ", which it does not hold");
    const capture::Endpoint endpoint = endpointOf(m_select->columnText(0));
    m_select->reset();
    return m_endpoints.emplace(id, endpoint).first->second;
}

}  // namespace sipscope::store::detail
