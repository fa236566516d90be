// Planted for the architecture self-test: allowed includes, none of which may be reported (a substring match on
// "cli/" would wrongly catch "foo_cli/x.hpp", and on "pcap" the store's own "store/pcap_index.hpp").
#include "common/error.hpp"
#include "decode/sip_parser.hpp"
#include "store/detail/batch.hpp"
#include "store/pcap_index.hpp"
#include <foo_cli/x.hpp>
#include <sqlite3.h>
