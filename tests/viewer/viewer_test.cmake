# Runs sipscope-viewer under Xvfb and checks what it drew. Modes:
#   calls:   import SAMPLE with SIPSCOPE into a fresh DB, screenshot it, expect exit 0, EXPECT_CALLS calls and
#            a PNG that is not blank (PNG_CHECK).
#   missing: screenshot a database that does not exist, expect exit 2 and an error naming it.
if(NOT XVFB_RUN)
    message("SKIPPED: xvfb-run not found (apt install xvfb)")
    return()
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(db "${WORK_DIR}/viewer.db")
set(png "${WORK_DIR}/out.png")

if(MODE STREQUAL "calls")
    execute_process(COMMAND "${SIPSCOPE}" import "${SAMPLE}" --db "${db}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sipscope import failed (${rc}):\n${out}${err}")
    endif()
else()
    set(db "${WORK_DIR}/no-such.db")
endif()

execute_process(COMMAND "${XVFB_RUN}" -a "${VIEWER}" "${db}" --screenshot "${png}" --frames 5
    TIMEOUT 60 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("viewer exit ${rc}\n${out}${err}")

if(MODE STREQUAL "calls")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sipscope-viewer failed")
    endif()
    if(NOT out MATCHES "sipscope-viewer: ${EXPECT_CALLS} calls")
        message(FATAL_ERROR "expected ${EXPECT_CALLS} calls in the call list")
    endif()
    execute_process(COMMAND "${PNG_CHECK}" "${png}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "screenshot check failed")
    endif()
else()
    if(NOT rc EQUAL 2 OR NOT err MATCHES "no-such.db")
        message(FATAL_ERROR "a missing database must exit 2 with an error naming it")
    endif()
endif()
