// Host aliases: the file format, canonical addresses, and errors that name the file and line.
#include "ladder/host_aliases.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using sipscope::ladder::HostAliases;

// A host as the tests write it, read by capture's parser (the one the aliases file is read with).
sipscope::capture::Host host(const char* text) { return sipscope::capture::parseHost(text).value(); }

TEST(HostAliases, EndpointEntriesWinOverAddressEntriesInAnySpelling) {
    const auto aliases = HostAliases::parse("# comment\n10.0.0.1:5060 = sbc-a\r\n10.0.0.1 = any-port\n"
                                            "2001:DB8:0::1 = v6-host\n[2001:db8::2]:5061 = v6-tls # note\n",
                                            "test.aliases");
    EXPECT_EQ(aliases.size(), 4u);
    EXPECT_EQ(aliases.lookup(host("10.0.0.1:5060")), "sbc-a");
    EXPECT_EQ(aliases.lookup(host("10.0.0.1:5080")), "any-port");
    EXPECT_EQ(aliases.lookup(host("10.0.0.1")), "any-port");
    EXPECT_EQ(aliases.lookup(host("[2001:db8::1]:5060")), "v6-host");
    EXPECT_EQ(aliases.lookup(host("2001:db8::1")), "v6-host");
    EXPECT_EQ(aliases.lookup(host("[2001:db8::2]:5061")), "v6-tls");
    EXPECT_EQ(aliases.lookup(host("[2001:db8::2]:5060")), "");
    EXPECT_EQ(aliases.lookup(host("10.0.0.9:5060")), "");
    EXPECT_EQ(aliases.lookup(host("[::ffff:10.0.0.1]:5060")), "");  // IPv4-mapped IPv6 is another address
    // A row's endpoint value finds the same names as its text.
    EXPECT_EQ(aliases.lookup(sipscope::capture::parseEndpoint("[2001:db8::1]:5070").value()), "v6-host");
    EXPECT_EQ(aliases.lookup(sipscope::capture::parseEndpoint("10.0.0.1:5060").value()), "sbc-a");
}

TEST(HostAliases, BadLinesNameTheFileAndLine) {
    for (const char* text :
         {"10.0.0.1 sbc\n", "10.0.0.1:99999 = x\n", "host.example = x\n", "10.0.0.1 =\n", "[2001:db8::1 = x\n"}) {
        SCOPED_TRACE(text);
        try {
            HostAliases::parse(std::string("\n") + text, "lab.aliases");
            ADD_FAILURE() << "accepted";
        } catch (const sipscope::Error& error) {
            EXPECT_EQ(std::string(error.what()).rfind("lab.aliases:2: ", 0), 0u) << error.what();
        }
    }
    EXPECT_THROW(HostAliases::parse("10.0.0.1 = " + std::string(HostAliases::MaxNameBytes + 1, 'n'), "f"),
                 sipscope::Error);
}

// The viewer's rename: one endpoint named (or renamed, or unnamed) for the session, any spelling of it.
TEST(HostAliases, RenameNamesOneEndpointAndAnEmptyNameRemovesIt) {
    HostAliases aliases = HostAliases::parse("10.0.0.1 = core\n", "aliases");
    aliases.rename(host("10.0.0.1:5060"), "pbx");
    EXPECT_EQ(aliases.lookup(host("10.0.0.1:5060")), "pbx");
    EXPECT_EQ(aliases.lookup(host("10.0.0.1:5080")), "core");
    aliases.rename(host("[2001:db8:0::1]:5060"), "edge");
    EXPECT_EQ(aliases.lookup(host("[2001:db8::1]:5060")), "edge");
    aliases.rename(host("10.0.0.1:5060"), "");
    EXPECT_EQ(aliases.lookup(host("10.0.0.1:5060")), "core");
    aliases.rename(host("10.0.0.9"), std::string(200, 'n'));
    EXPECT_EQ(aliases.lookup(host("10.0.0.9:5060")).size(), HostAliases::MaxNameBytes);
}

}  // namespace
