# The architecture test must fail on a tree of planted bad includes, naming each, and pass over allowed ones.
# Run as: cmake -DSCRIPT=<architecture_test.cmake> -DBAD_TREE=<tests/architecture/bad> -P selftest.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${BAD_TREE} -P ${SCRIPT}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(out "${out}${err}")
if(result EQUAL 0)
    message(FATAL_ERROR "the architecture test passed a tree of bad includes:\n${out}")
endif()
set(expected
    "viewer/bad.cpp: 'sqlite3.h'"
    "viewer/bad.cpp: 'store/detail/batch.hpp'"
    "viewer/bad.cpp: 'cli/output.hpp'"
    "cli/bad.cpp: 'viewer/app.hpp'"
    "cli/bad.cpp: 'imgui.h'"
    "decode/bad.cpp: 'store/reader.hpp'"
    "decode/bad.cpp: 'pcap/pcap.h'"
    "export/bad.cpp: 'viewer/app.hpp'"
    "export/bad.cpp: 'cli/output.hpp'"
    "export/bad.cpp: 'imgui.h'"
    "common/bad.cpp: 'capture/packet.hpp'"
    "common/bad.cpp: 'sqlite3.h'")
foreach(needle IN LISTS expected)
    string(FIND "${out}" "${needle}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "the architecture test did not report ${needle}:\n${out}")
    endif()
endforeach()
string(FIND "${out}" "good.cpp" at)
if(NOT at EQUAL -1)
    message(FATAL_ERROR "the architecture test reported an allowed include:\n${out}")
endif()
# The length rule: with a limit of 2 lines, every planted file is too long, and named with its length.
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${BAD_TREE} -DMAX_LINES=2 -P ${SCRIPT}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "store/good.cpp: [0-9]+ lines, over 2" long "${out}${err}")
if(result EQUAL 0 OR NOT long)
    message(FATAL_ERROR "the architecture test passed a file over its line limit:\n${out}${err}")
endif()
message(STATUS "architecture self-test ok")
