# Fails when a module includes something upstream of it, or a third-party header it must not see
# (capture -> decode -> store -> cli/viewer; DESIGN.md "Architecture").
set(rules
    "capture|decode/ store/ cli/ viewer/ sqlite3.h imgui CLI/"
    "decode|store/ cli/ viewer/ pcap sqlite3.h imgui CLI/"
    "store|cli/ viewer/ pcap imgui CLI/"
    "cli|viewer/ imgui GLFW pcap"
    "viewer|cli/ pcap CLI/")
set(failures "")
foreach(rule IN LISTS rules)
    string(REPLACE "|" ";" parts "${rule}")
    list(GET parts 0 module)
    list(GET parts 1 forbidden)
    string(REPLACE " " ";" forbidden "${forbidden}")
    file(GLOB_RECURSE files "${SOURCE_DIR}/${module}/*.hpp" "${SOURCE_DIR}/${module}/*.cpp")
    foreach(f IN LISTS files)
        file(STRINGS "${f}" includes REGEX "^[ \t]*#[ \t]*include")
        foreach(line IN LISTS includes)
            foreach(bad IN LISTS forbidden)
                string(FIND "${line}" "${bad}" at)
                if(NOT at EQUAL -1)
                    string(APPEND failures "\n  ${f}: '${line}' (${module} must not include ${bad})")
                endif()
            endforeach()
        endforeach()
    endforeach()
endforeach()
if(failures)
    message(FATAL_ERROR "architecture violations:${failures}")
endif()
message(STATUS "architecture ok")
