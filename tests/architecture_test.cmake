# Fails when a module includes something it must not (DESIGN.md "Architecture": capture -> decode -> store ->
# ladder -> export -> cli/viewer, one way). Each include is read exactly: the path between the quotes or angle brackets.
#   - a project header ("folder/...") must come from the module itself or from a folder it may use;
#   - another folder's detail/ headers are private to it;
#   - some third-party headers belong to one layer only (SQLite to the store, libpcap to capture, ...);
#   - and no source file is longer than MAX_LINES (800): a file that long does more than one job (issue 12).
# Run as: cmake -DSOURCE_DIR=<tree> -P architecture_test.cmake. The self-test runs it on tests/architecture/bad,
# a planted tree of bad includes, and expects it to fail there, naming each one.

cmake_policy(SET CMP0007 NEW)
if(NOT DEFINED MAX_LINES)
    set(MAX_LINES 800)
endif()

# module | project folders it may include (besides itself; "common" is open to all, and includes none of them)
set(uses
    "common|"
    "capture|"
    "decode|capture"
    "store|capture decode"
    "ladder|capture decode store"
    "export|capture decode store ladder"
    "cli|capture decode store ladder export"
    "viewer|capture decode store ladder export")
set(project_folders capture decode store ladder export cli viewer common)

# module | third-party includes it must not see: an exact header, or a folder prefix ending in /
set(third_party
    "common|sqlite3.h pcap.h pcap/ imgui.h GLFW/ CLI/ backends/"
    "capture|sqlite3.h imgui.h GLFW/ CLI/ backends/"
    "decode|sqlite3.h pcap.h pcap/ imgui.h GLFW/ CLI/ backends/"
    "store|pcap.h pcap/ imgui.h GLFW/ CLI/ backends/"
    "ladder|sqlite3.h pcap.h pcap/ imgui.h GLFW/ CLI/ backends/"
    "export|sqlite3.h pcap.h pcap/ imgui.h GLFW/ CLI/ backends/"
    "cli|sqlite3.h pcap.h pcap/ imgui.h GLFW/ backends/"
    "viewer|sqlite3.h pcap.h pcap/ CLI/")

function(rule_of list module out)
    set(value "")
    foreach(entry IN LISTS ${list})
        string(REPLACE "|" ";" parts "${entry}")
        list(GET parts 0 name)
        if(name STREQUAL module)
            list(LENGTH parts n)
            if(n GREATER 1)
                list(GET parts 1 value)
                string(REPLACE " " ";" value "${value}")
            endif()
        endif()
    endforeach()
    set(${out} "${value}" PARENT_SCOPE)
endfunction()

set(failures "")
set(checked 0)
foreach(entry IN LISTS uses)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 module)
    if(NOT IS_DIRECTORY "${SOURCE_DIR}/${module}")
        continue()
    endif()
    rule_of(uses "${module}" allowed)
    list(APPEND allowed "${module}" common)
    rule_of(third_party "${module}" forbidden)
    file(GLOB_RECURSE files "${SOURCE_DIR}/${module}/*.hpp" "${SOURCE_DIR}/${module}/*.cpp" "${SOURCE_DIR}/${module}/*.h")
    foreach(f IN LISTS files)
        file(READ "${f}" content)
        string(REGEX MATCHALL "\n" newlines "${content}")
        list(LENGTH newlines line_count)
        if(line_count GREATER MAX_LINES)
            string(APPEND failures "\n  ${f}: ${line_count} lines, over ${MAX_LINES}: split it by its jobs")
        endif()
        file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
        foreach(line IN LISTS lines)
            string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*$" "\\1" path "${line}")
            math(EXPR checked "${checked} + 1")
            string(REGEX MATCH "^[^/]+" first "${path}")
            list(FIND project_folders "${first}" is_project)
            if(NOT is_project EQUAL -1 AND path MATCHES "/")
                list(FIND allowed "${first}" ok)
                if(ok EQUAL -1)
                    string(APPEND failures "\n  ${f}: '${path}' (${module} must not include ${first}/)")
                elseif(NOT first STREQUAL module AND path MATCHES "/detail/")
                    string(APPEND failures "\n  ${f}: '${path}' (${first}/detail/ is private to ${first}/)")
                endif()
            endif()
            foreach(bad IN LISTS forbidden)
                if(bad MATCHES "/$")
                    string(FIND "${path}" "${bad}" at)
                    if(at EQUAL 0)
                        string(APPEND failures "\n  ${f}: '${path}' (${module} must not include ${bad})")
                    endif()
                elseif(path STREQUAL bad)
                    string(APPEND failures "\n  ${f}: '${path}' (${module} must not include ${bad})")
                endif()
            endforeach()
        endforeach()
    endforeach()
endforeach()
if(failures)
    message(FATAL_ERROR "architecture violations:${failures}")
endif()
if(checked EQUAL 0)
    message(FATAL_ERROR "architecture test read no include under ${SOURCE_DIR}: wrong SOURCE_DIR?")
endif()
message(STATUS "architecture ok (${checked} includes checked)")
