// Host aliases for the ladder (terminal, exports, viewer): names for addresses, read from a small config file.
//
//   # comment
//   10.0.0.1:5060 = sbc-a          one endpoint
//   10.0.0.2      = core           every port of an address
//   [2001:db8::1]:5060 = edge-v6   IPv6 with a port; 2001:db8::1 = edge-v6 for every port
#pragma once

#include "capture/packet.hpp"

#include <map>
#include <string>
#include <string_view>

namespace sipscope::ladder {

class HostAliases {
public:
    static constexpr std::size_t MaxFileBytes = 1 << 20;
    static constexpr std::size_t MaxNameBytes = 64;

    // Throws sipscope::Error naming the file and line of what it cannot read. Addresses are read by capture's one
    // parser (capture::parseHost), so any spelling of an IPv6 address names the same host.
    static HostAliases load(const std::string& path);
    static HostAliases parse(std::string_view text, const std::string& fileName);
    // ./sipscope.aliases, else $XDG_CONFIG_HOME/sipscope/aliases (default ~/.config/sipscope/aliases), whichever
    // exists first; empty when none does.
    static std::string defaultPath();

    // The name of a host: an entry for the host itself first, else (a host with a port) one for its address. Empty
    // when there is none. An address without a port (a ladder column of every port) takes only its own entry.
    std::string lookup(const capture::Host& host) const;
    std::string lookup(const capture::Endpoint& endpoint) const {
        return lookup(capture::Host{endpoint.ip, endpoint.port});
    }
    // Names `host` in place of any name it had (the viewer's rename, kept for the session); an empty name removes
    // it, a longer one than MaxNameBytes is cut.
    void rename(const capture::Host& host, std::string name);
    bool empty() const { return m_names.empty(); }
    std::size_t size() const { return m_names.size(); }

private:
    std::map<capture::Host, std::string> m_names;
};

}  // namespace sipscope::ladder
