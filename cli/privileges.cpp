// Switching from root to an unprivileged account once everything needing root is open.
#include "cli/privileges.hpp"

#include "common/error.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sipscope::cli {

std::optional<PrivilegeTarget> privilegeTargetFor(const std::string& user, bool isExplicit) {
    if (geteuid() != 0 || user.empty() || user == "root")
        return std::nullopt;
    errno = 0;
    const passwd* account = getpwnam(user.c_str());
    if (!account) {
        if (!isExplicit)
            return std::nullopt;  // the default account is missing on this system: keep root, as tcpdump does
        throw Error("--user " + user + ": no such user (name an existing account, or --no-drop to stay root)");
    }
    return PrivilegeTarget{user, account->pw_uid, account->pw_gid};
}

void dropPrivileges(const PrivilegeTarget& target) {
    auto fail = [&target](const char* step) {
        return Error(std::string("cannot switch to user ") + target.user + ": " + step + ": " + std::strerror(errno) +
                     " (use --no-drop to keep root)");
    };
    // Order matters: supplementary groups and the group while still root, the user id last.
    // glibc applies each set*id call to every thread of the process, including the store's writer thread.
    if (setgroups(1, &target.gid) != 0)
        throw fail("setgroups");
    if (setgid(target.gid) != 0)
        throw fail("setgid");
    if (setuid(target.uid) != 0)
        throw fail("setuid");
    if (target.uid != 0 && setuid(0) == 0) {
        errno = EPERM;
        throw fail("root could be regained");
    }
}

}  // namespace sipscope::cli
