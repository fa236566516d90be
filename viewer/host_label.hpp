// How the viewer names a host wherever it shows one (list, ladder, tooltip, inspector): by its alias, from the
// aliases file or renamed in this session (the ladder's column menu), else by its address.
#pragma once

#include "capture/packet.hpp"
#include "ladder/host_aliases.hpp"

#include <optional>
#include <string>

namespace sipscope::viewer {

// The alias, else the endpoint's text; empty for a row without one.
inline std::string hostLabel(const ladder::HostAliases* aliases, const std::optional<capture::Endpoint>& endpoint) {
    if (!endpoint)
        return {};
    std::string alias = aliases ? aliases->lookup(*endpoint) : std::string();
    return alias.empty() ? endpoint->toString() : alias;
}

// "alias (endpoint)", else the endpoint's text.
inline std::string hostTitle(const ladder::HostAliases* aliases, const capture::Endpoint& endpoint) {
    const std::string alias = aliases ? aliases->lookup(endpoint) : std::string();
    return alias.empty() ? endpoint.toString() : alias + " (" + endpoint.toString() + ")";
}

}  // namespace sipscope::viewer
