// Dropping root after the privileged opens of `sipscope capture` (interface, low port, database, -w file).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace sipscope::cli {

struct PrivilegeTarget {
    std::string user;
    uid_t uid = 0;
    gid_t gid = 0;
};

// The account to switch to, or nullopt to keep the current identity: not running as root, `user` is root or
// empty, or `user` is the default ("nobody") and does not exist here. Throws sipscope::Error when a user named
// on purpose (isExplicit) does not exist.
std::optional<PrivilegeTarget> privilegeTargetFor(const std::string& user, bool isExplicit);

// setgroups + setgid + setuid to the target, for every thread, and checks that root cannot be regained.
// Throws sipscope::Error when any step fails.
void dropPrivileges(const PrivilegeTarget& target);

}  // namespace sipscope::cli
