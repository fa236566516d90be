// Planted for the architecture self-test: each include below must be reported.
#include "store/reader.hpp"
#include <pcap/pcap.h>
