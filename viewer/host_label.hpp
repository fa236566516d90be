// How the viewer names a host wherever it shows one (list, ladder, tooltip, inspector): by its alias, from the
// aliases file or renamed in this session (the ladder's column menu), else by its address.
#pragma once

#include "ladder/host_aliases.hpp"

#include <string>

namespace sipscope::viewer {

// The alias, else the host itself.
inline std::string hostLabel(const ladder::HostAliases* aliases, const std::string& host) {
    std::string alias = aliases && !host.empty() ? aliases->lookup(host) : std::string();
    return alias.empty() ? host : alias;
}

// "alias (host)", else the host itself.
inline std::string hostTitle(const ladder::HostAliases* aliases, const std::string& host) {
    const std::string alias = aliases && !host.empty() ? aliases->lookup(host) : std::string();
    return alias.empty() ? host : alias + " (" + host + ")";
}

}  // namespace sipscope::viewer
